package io.lorank.model;

import io.lorank.LorankException;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Resolves NAME_OR_PATH to a {@link Checkpoint}: a known model name (see {@link ModelRegistry}, read from the
 * classpath), a Hugging Face folder ({@code config.json} + {@code model.safetensors} or
 * {@code model.safetensors.index.json}, optional {@code tokenizer.json}), or an {@code .onnx} file with its
 * {@code tokenizer.json} beside it (or {@code NAME-tokenizer.json}, or given explicitly).
 */
public final class ModelSource {
    private ModelSource() {
    }

    /** Loads NAME_OR_PATH with the tokenizer found next to it. */
    public static Checkpoint load(String nameOrPath) {
        return load(nameOrPath, null);
    }

    /** Loads NAME_OR_PATH; {@code tokenizer} (nullable) overrides the tokenizer.json found next to it. */
    public static Checkpoint load(String nameOrPath, Path tokenizer) {
        if (tokenizer != null && !Files.isRegularFile(tokenizer)) {
            throw new LorankException("--tokenizer " + tokenizer + ": not found (expected a tokenizer.json file)");
        }
        var known = ModelRegistry.find(nameOrPath);
        if (known.isPresent()) {
            Checkpoint ck = loadKnown(known.get());
            return tokenizer == null ? ck : ck.withTokenizer(new TokenizerSource.File(tokenizer));
        }
        Path p = Path.of(nameOrPath);
        if (Files.isDirectory(p)) {
            return loadHfFolder(p, tokenizer);
        }
        if (Files.isRegularFile(p) && p.getFileName().toString().endsWith(".onnx")) {
            return loadOnnxFile(p, tokenizer);
        }
        String names = ModelRegistry.all().stream().map(KnownModel::name).collect(Collectors.joining(", "));
        throw new LorankException(nameOrPath + ": not a known model (" + names + "), not a folder with config.json "
                + "and not an .onnx file; run `lorank models` for the list");
    }

    /** A model from its jar on the classpath. */
    public static Checkpoint loadKnown(KnownModel m) {
        InputStream raw = ModelSource.class.getClassLoader().getResourceAsStream(m.onnxResource());
        if (raw == null) {
            throw new LorankException("classpath:" + m.onnxResource() + " not found; add " + m.artifact()
                    + " to the classpath");
        }
        MessageDigest sha = sha256();
        try (InputStream in = new DigestInputStream(new BufferedInputStream(raw, 1 << 20), sha)) {
            OnnxWeights.Result r = OnnxWeights.read(in, m.onnxResource());
            in.transferTo(OutputStream.nullOutputStream()); // hash any trailing bytes the parser did not need
            return new Checkpoint(m.name(), r.config(), r.tensors(), m.onnxResource(),
                    new TokenizerSource.Resource(m.tokenizerResource()), hex(sha));
        } catch (IOException e) {
            throw new LorankException("classpath:" + m.onnxResource() + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    /** An HF folder: config.json + model.safetensors (or the sharded index). */
    public static Checkpoint loadHfFolder(Path dir, Path tokenizer) {
        Path config = dir.resolve("config.json");
        if (!Files.isRegularFile(config)) {
            throw new LorankException(dir + ": config.json is missing; expected a Hugging Face model folder");
        }
        EncoderConfig cfg = EncoderConfig.read(config);
        Path single = dir.resolve("model.safetensors");
        Path index = dir.resolve("model.safetensors.index.json");
        Map<String, HostTensor> raw;
        String weightsFile;
        String sha;
        if (Files.isRegularFile(single)) {
            raw = Safetensors.read(single);
            weightsFile = single.getFileName().toString();
            sha = hashFiles(List.of(single));
        } else if (Files.isRegularFile(index)) {
            raw = Safetensors.readSharded(index);
            weightsFile = index.getFileName().toString();
            try (var files = Files.list(dir)) {
                sha = hashFiles(files.filter(f -> f.getFileName().toString().endsWith(".safetensors")).sorted().toList());
            } catch (IOException e) {
                throw new LorankException(dir + ": cannot list (" + e.getMessage() + ")", e);
            }
        } else if (Files.isRegularFile(dir.resolve("pytorch_model.bin"))) {
            throw new LorankException(dir + ": only pytorch_model.bin found; lorank reads model.safetensors "
                    + "(convert with `transformers`: model.save_pretrained(dir, safe_serialization=True))");
        } else {
            throw new LorankException(dir + ": model.safetensors (or model.safetensors.index.json) is missing");
        }
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        raw.values().forEach(t -> {
            String name = Checkpoint.stripPrefix(t.name());
            tensors.put(name, t.rename(name));
        });
        Path tok = tokenizer != null ? tokenizer : dir.resolve("tokenizer.json");
        return new Checkpoint(dir.getFileName().toString(), cfg, tensors, weightsFile,
                Files.isRegularFile(tok) ? new TokenizerSource.File(tok) : null, sha);
    }

    /** An ONNX file; tokenizer.json beside it, or STEM-tokenizer.json, unless given. */
    public static Checkpoint loadOnnxFile(Path onnx, Path tokenizer) {
        String file = onnx.getFileName().toString();
        OnnxWeights.Result r;
        MessageDigest sha = sha256();
        try (InputStream in = new DigestInputStream(new BufferedInputStream(Files.newInputStream(onnx), 1 << 20), sha)) {
            r = OnnxWeights.read(in, file);
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw new LorankException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
        Path tok = tokenizer;
        if (tok == null) {
            Path beside = onnx.resolveSibling("tokenizer.json");
            Path named = onnx.resolveSibling(file.substring(0, file.length() - ".onnx".length()) + "-tokenizer.json");
            tok = Files.isRegularFile(beside) ? beside : Files.isRegularFile(named) ? named : null;
        }
        return new Checkpoint(file, r.config(), r.tensors(), file,
                tok == null ? null : new TokenizerSource.File(tok), hex(sha));
    }

    private static String hashFiles(List<Path> files) {
        MessageDigest sha = sha256();
        for (Path f : files) {
            try (InputStream in = new DigestInputStream(Files.newInputStream(f), sha)) {
                in.transferTo(OutputStream.nullOutputStream());
            } catch (IOException e) {
                throw new LorankException(f + ": cannot read (" + e.getMessage() + ")", e);
            }
        }
        return hex(sha);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(MessageDigest d) {
        return java.util.HexFormat.of().formatHex(d.digest());
    }
}
