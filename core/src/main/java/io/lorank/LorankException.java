package io.lorank;

/**
 * A user error: bad input, a missing or malformed file, an impossible option. The message is one line that says
 * where (file, key, tensor), what was found, what was expected and what to do. The CLI prints it without a stack
 * trace and exits 1. Bugs are any other exception.
 */
public class LorankException extends RuntimeException {
    public LorankException(String message) {
        super(message);
    }

    public LorankException(String message, Throwable cause) {
        super(message, cause);
    }
}
