package io.lorank.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.lorank.LorankException;
import io.lorank.util.AtomicFiles;
import io.lorank.util.Json;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * Reader and writer for the safetensors format: 8-byte little-endian header length N, N bytes of JSON
 * ({@code {"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, "__metadata__": {..}}}, offsets
 * relative to the end of the header), then the raw little-endian data. F32, F16, BF16 and F64 are read into fp32.
 * The sharded form is a {@code model.safetensors.index.json} whose {@code weight_map} names the shard of each tensor.
 */
public final class Safetensors {
    private Safetensors() {
    }

    /** Reads every tensor of one file, names unchanged, in file order. */
    public static Map<String, HostTensor> read(Path file) {
        String where = file.getFileName().toString();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) {
                throw new LorankException(where + ": " + size + " bytes is too short for a safetensors file "
                        + "(8-byte header length expected); is the file truncated?");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(lenBuf, 0);
            long headerLen = lenBuf.getLong(0);
            if (headerLen <= 0 || headerLen > Math.min(size - 8, 100_000_000L)) {
                throw new LorankException(where + ": header length " + headerLen + " does not fit the file size "
                        + size + "; this is not a safetensors file or it is corrupt");
            }
            ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
            ch.read(hb, 8);
            JsonNode header;
            try {
                header = Json.MAPPER.readTree(new String(hb.array(), StandardCharsets.UTF_8));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new LorankException(Json.error(where + " (JSON header)", e).getMessage() + "; the file is corrupt");
            }
            long dataStart = 8 + headerLen;
            MappedByteBuffer data = ch.map(FileChannel.MapMode.READ_ONLY, dataStart, size - dataStart);
            data.order(ByteOrder.LITTLE_ENDIAN);
            Map<String, HostTensor> out = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getKey().equals("__metadata__")) {
                    out.put(e.getKey(), tensor(where, e.getKey(), e.getValue(), data));
                }
            }
            return out;
        } catch (IOException e) {
            throw new LorankException(where + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    /** Reads a sharded checkpoint through its {@code model.safetensors.index.json}. */
    public static Map<String, HostTensor> readSharded(Path indexJson) {
        String where = indexJson.getFileName().toString();
        JsonNode map;
        try {
            map = Json.readTree(indexJson).get("weight_map");
        } catch (LorankException e) {
            throw new LorankException(e.getMessage().replace(indexJson.toString(), where), e);
        }
        if (map == null || !map.isObject()) {
            throw new LorankException(where + ": no \"weight_map\" object; expected {\"weight_map\": {tensor: file}}");
        }
        TreeSet<String> shards = new TreeSet<>();
        map.fields().forEachRemaining(e -> shards.add(e.getValue().asText()));
        Map<String, HostTensor> out = new LinkedHashMap<>();
        for (String shard : shards) {
            Path p = indexJson.resolveSibling(shard);
            if (!Files.isRegularFile(p)) {
                throw new LorankException(where + ": shard " + shard + " is missing next to the index");
            }
            out.putAll(read(p));
        }
        map.fields().forEachRemaining(e -> {
            if (!out.containsKey(e.getKey())) {
                throw new LorankException(where + ": " + e.getKey() + " is listed in " + e.getValue().asText()
                        + " but that shard does not contain it");
            }
        });
        return out;
    }

    private static HostTensor tensor(String where, String name, JsonNode info, ByteBuffer data) {
        Dtype dtype;
        try {
            dtype = Dtype.valueOf(info.path("dtype").asText());
        } catch (IllegalArgumentException e) {
            throw new LorankException(where + ": " + name + " has dtype " + info.path("dtype")
                    + ", expected F32, F16, BF16 or F64");
        }
        JsonNode shapeNode = info.path("shape");
        long[] shape = new long[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = shapeNode.get(i).asLong();
        }
        long begin = info.path("data_offsets").path(0).asLong(-1);
        long end = info.path("data_offsets").path(1).asLong(-1);
        long n = HostTensor.numel(shape);
        if (begin < 0 || end > data.capacity() || end - begin != n * dtype.bytes()) {
            throw new LorankException(where + ": " + name + " " + HostTensor.shapeString(shape) + " " + dtype
                    + " needs " + n * dtype.bytes() + " bytes, data_offsets [" + begin + ", " + end + "] of "
                    + data.capacity() + " data bytes; the file is truncated or corrupt");
        }
        ByteBuffer b = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        b.position((int) begin).limit((int) end);
        b = b.slice().order(ByteOrder.LITTLE_ENDIAN);
        float[] v = new float[(int) n];
        switch (dtype) {
            case F32 -> b.asFloatBuffer().get(v);
            case F64 -> {
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) b.getDouble(8 * i);
                }
            }
            case F16 -> {
                for (int i = 0; i < v.length; i++) {
                    v[i] = Dtype.halfToFloat(b.getShort(2 * i));
                }
            }
            case BF16 -> {
                for (int i = 0; i < v.length; i++) {
                    v[i] = Dtype.bf16ToFloat(b.getShort(2 * i));
                }
            }
        }
        return new HostTensor(name, shape, v);
    }

    /** Writes tensors to one file in {@code dtype}, atomically. */
    public static void write(Path file, Collection<HostTensor> tensors, Dtype dtype) {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("__metadata__", Map.of("format", "pt"));
        long offset = 0;
        for (HostTensor t : tensors) {
            long bytes = (long) t.data().length * dtype.bytes();
            header.put(t.name(), Map.of("dtype", dtype.name(), "shape", t.shape(),
                    "data_offsets", new long[] {offset, offset + bytes}));
            offset += bytes;
        }
        byte[] json;
        try {
            json = Json.MAPPER.writer().withoutFeatures(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsBytes(header);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        int padded = (json.length + 7) / 8 * 8; // keep the data 8-byte aligned, padding with spaces
        byte[] headerBytes = new byte[padded];
        java.util.Arrays.fill(headerBytes, (byte) ' ');
        System.arraycopy(json, 0, headerBytes, 0, json.length);
        AtomicFiles.write(file, out -> {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, padded);
            out.write(len.array());
            out.write(headerBytes);
            for (HostTensor t : tensors) {
                ByteBuffer b = ByteBuffer.allocate(t.data().length * dtype.bytes()).order(ByteOrder.LITTLE_ENDIAN);
                for (float f : t.data()) {
                    switch (dtype) {
                        case F32 -> b.putFloat(f);
                        case F64 -> b.putDouble(f);
                        case F16 -> b.putShort(Dtype.floatToHalf(f));
                        case BF16 -> b.putShort(Dtype.floatToBf16(f));
                    }
                }
                out.write(b.array());
            }
        });
    }
}
