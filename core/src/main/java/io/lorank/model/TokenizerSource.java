package io.lorank.model;

import io.lorank.LorankException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where a {@code tokenizer.json} lives: a file, or a classpath resource of a model jar. */
public sealed interface TokenizerSource {
    /** A short description for messages. */
    String describe();

    /** Opens the JSON; the caller closes it. */
    InputStream open();

    /** A tokenizer.json file. */
    record File(Path path) implements TokenizerSource {
        @Override
        public String describe() {
            return path.toString();
        }

        @Override
        public InputStream open() {
            try {
                return Files.newInputStream(path);
            } catch (IOException e) {
                throw new LorankException(path + ": cannot read tokenizer.json (" + e.getMessage() + ")", e);
            }
        }
    }

    /** A classpath resource (the langchain4j model jars keep {@code NAME-tokenizer.json} at the jar root). */
    record Resource(String resource) implements TokenizerSource {
        @Override
        public String describe() {
            return "classpath:" + resource;
        }

        @Override
        public InputStream open() {
            InputStream in = TokenizerSource.class.getClassLoader().getResourceAsStream(resource);
            if (in == null) {
                throw new LorankException("classpath:" + resource + " not found; is its model jar on the classpath?");
            }
            return in;
        }
    }
}
