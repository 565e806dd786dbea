package io.lorank.model;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.lorank.LorankException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the weights and the shape of a BERT-layout encoder exported to ONNX (HF/optimum style export, as in the
 * langchain4j model jars).
 *
 * <p><b>Weights.</b> Initializers with HF names ({@code embeddings.word_embeddings.weight}, every bias and LayerNorm
 * parameter, {@code pooler.dense.*}) are taken as they are. The Linear weights are anonymous
 * ({@code onnx::MatMul_885}) and stored [in, out]; each is the second input of a MatMul node whose output feeds an
 * Add with a named bias {@code X.bias}: the weight becomes {@code X.weight}, transposed to [out, in]. When no such
 * Add exists the MatMul node's own name ({@code /encoder/layer.0/attention/self/query/MatMul}) gives X. Integer
 * buffers ({@code position_ids}) are skipped.
 *
 * <p><b>Config</b> (ONNX has no config.json): vocabulary, hidden size, positions and token types from the
 * embedding shapes; layers from the {@code encoder.layer.N.} names; intermediate size from
 * {@code intermediate.dense.bias}; heads = d / head size, where the head size h comes from the scalar constant the
 * attention scores are divided by (√h) or multiplied by (1/√h) in layer 0; if neither is found, heads = d / 64 (and
 * d must be a multiple of 64). LayerNorm eps is the constant added to the variance before {@code Sqrt} (or the
 * {@code epsilon} of a {@code LayerNormalization} node), default 1e-12. The activation is exact GELU when the graph
 * has {@code Erf} nodes, tanh-GELU when it has {@code Tanh} inside {@code intermediate}. Architecture: BERT (the
 * ONNX path does not take RoBERTa); pad token id 0.
 */
public final class OnnxWeights {
    private static final Pattern LAYER = Pattern.compile("^encoder\\.layer\\.(\\d+)\\.");

    private OnnxWeights() {
    }

    /** Weights by HF name and the inferred config. */
    public record Result(EncoderConfig config, Map<String, HostTensor> tensors) {
    }

    /** Parses an ONNX model; {@code where} names the file in messages. */
    public static Result read(InputStream in, String where) {
        ModelProto model;
        try {
            model = ModelProto.parseFrom(in);
        } catch (IOException e) {
            throw new LorankException(where + ": not a readable ONNX model (" + e.getMessage() + ")", e);
        }
        GraphProto g = model.getGraph();
        if (!model.hasGraph() || g.getNodeCount() == 0 && g.getInitializerCount() == 0) {
            throw new LorankException(where + ": holds no ONNX graph (the file is empty, truncated or not an ONNX"
                    + " model); export the model again, e.g. with optimum-cli export onnx");
        }
        if (g.getInitializerCount() == 0) {
            throw new LorankException(where + ": the ONNX graph has no initializers (weights); "
                    + "is this an ONNX model with external data? Export it with the weights inside");
        }
        Map<String, TensorProto> inits = new LinkedHashMap<>();
        for (TensorProto t : g.getInitializerList()) {
            inits.put(t.getName(), t);
        }
        Map<String, NodeProto> producer = new HashMap<>();
        Map<String, List<NodeProto>> consumers = new HashMap<>();
        Map<String, TensorProto> constants = new HashMap<>();
        for (NodeProto n : g.getNodeList()) {
            for (String o : n.getOutputList()) {
                producer.put(o, n);
            }
            for (String i : n.getInputList()) {
                consumers.computeIfAbsent(i, k -> new java.util.ArrayList<>()).add(n);
            }
            if (n.getOpType().equals("Constant") && n.getAttributeCount() > 0 && n.getAttribute(0).hasT()) {
                constants.put(n.getOutput(0), n.getAttribute(0).getT());
            }
        }

        Map<String, HostTensor> out = new LinkedHashMap<>();
        for (TensorProto t : inits.values()) {
            if (!t.getName().startsWith("onnx::") && t.getDataType() == TensorProto.DataType.FLOAT_VALUE) {
                out.put(Checkpoint.stripPrefix(t.getName()), floats(t, Checkpoint.stripPrefix(t.getName()), where));
            }
        }
        for (NodeProto n : g.getNodeList()) {
            if (!n.getOpType().equals("MatMul") || n.getInputCount() != 2 || !inits.containsKey(n.getInput(1))) {
                continue;
            }
            TensorProto w = inits.get(n.getInput(1));
            String module = moduleOf(n, consumers, inits, where);
            HostTensor stored = floats(w, w.getName(), where);
            out.put(module + ".weight", stored.transpose2d(module + ".weight")); // [in, out] -> [out, in]
        }
        return new Result(inferConfig(g, out, constants, producer, where), out);
    }

    /** HF module name of the Linear a weight-MatMul belongs to. */
    private static String moduleOf(NodeProto matmul, Map<String, List<NodeProto>> consumers,
                                   Map<String, TensorProto> inits, String where) {
        for (NodeProto c : consumers.getOrDefault(matmul.getOutput(0), List.of())) {
            if (c.getOpType().equals("Add")) {
                for (String i : c.getInputList()) {
                    if (inits.containsKey(i) && i.endsWith(".bias")) {
                        return Checkpoint.stripPrefix(i.substring(0, i.length() - ".bias".length()));
                    }
                }
            }
        }
        String name = matmul.getName();
        if (name.startsWith("/") && name.endsWith("/MatMul")) {
            return Checkpoint.stripPrefix(name.substring(1, name.length() - "/MatMul".length()).replace('/', '.'));
        }
        throw new LorankException(where + ": cannot tell which Linear the weight " + matmul.getInput(1)
                + " belongs to (MatMul node \"" + name + "\" has no bias Add and no module path in its name)");
    }

    private static EncoderConfig inferConfig(GraphProto g, Map<String, HostTensor> t, Map<String, TensorProto> constants,
                                             Map<String, NodeProto> producer, String where) {
        long[] word = require(t, "embeddings.word_embeddings.weight", where).shape();
        long[] pos = require(t, "embeddings.position_embeddings.weight", where).shape();
        long[] types = require(t, "embeddings.token_type_embeddings.weight", where).shape();
        int hidden = (int) word[1];
        TreeSet<Integer> layers = new TreeSet<>();
        for (String name : t.keySet()) {
            Matcher m = LAYER.matcher(name);
            if (m.find()) {
                layers.add(Integer.parseInt(m.group(1)));
            }
        }
        if (layers.isEmpty() || layers.last() != layers.size() - 1) {
            throw new LorankException(where + ": encoder layers " + layers + " are not numbered 0..N-1");
        }
        int intermediate = (int) require(t, "encoder.layer.0.intermediate.dense.bias", where).shape()[0];
        boolean erf = false;
        boolean tanhFfn = false;
        Integer headSize = null;
        Double eps = null;
        for (NodeProto n : g.getNodeList()) {
            String op = n.getOpType();
            erf |= op.equals("Erf");
            tanhFfn |= op.equals("Tanh") && n.getName().contains("/intermediate");
            if (headSize == null && (op.equals("Div") || op.equals("Mul"))
                    && n.getName().startsWith("/encoder/layer.0/attention/self/") && n.getInputCount() == 2) {
                Double c = scalar(constants.get(n.getInput(1)));
                if (c != null && c > 0) {
                    double h = op.equals("Div") ? c * c : 1 / (c * c);
                    if (Math.abs(h - Math.rint(h)) < 1e-3 && h >= 1) {
                        headSize = (int) Math.rint(h);
                    }
                }
            }
            if (eps == null && op.equals("LayerNormalization")) {
                eps = 1e-5;
                for (AttributeProto a : n.getAttributeList()) {
                    if (a.getName().equals("epsilon")) {
                        eps = (double) a.getF();
                    }
                }
            }
            if (eps == null && op.equals("Sqrt")) {
                NodeProto add = producer.get(n.getInput(0));
                if (add != null && add.getOpType().equals("Add")) {
                    for (String i : add.getInputList()) {
                        Double c = scalar(constants.get(i));
                        if (c != null && c > 0 && c < 1e-3) {
                            eps = c;
                        }
                    }
                }
            }
        }
        if (headSize == null) {
            if (hidden % 64 != 0) {
                throw new LorankException(where + ": cannot find the attention head size in the graph and hidden size "
                        + hidden + " is not a multiple of 64; convert the model to an HF folder with config.json");
            }
            headSize = 64;
        }
        if (hidden % headSize != 0) {
            throw new LorankException(where + ": head size " + headSize + " found in the graph does not divide hidden "
                    + "size " + hidden);
        }
        HiddenAct act = tanhFfn && !erf ? HiddenAct.GELU_TANH : HiddenAct.GELU;
        // the graph holds eps as fp32; print-and-parse recovers the decimal value of config.json (1e-12, not 9.99e-13)
        double epsValue = eps == null ? 1e-12 : Double.parseDouble(Float.toString(eps.floatValue()));
        return new EncoderConfig(Architecture.BERT, hidden, layers.size(), hidden / headSize, intermediate, act,
                epsValue, (int) word[0], (int) pos[0], (int) types[0], 0);
    }

    private static HostTensor require(Map<String, HostTensor> t, String name, String where) {
        HostTensor x = t.get(name);
        if (x == null) {
            throw new LorankException(where + ": initializer " + name + " is missing; expected a BERT-layout encoder "
                    + "export with HF parameter names");
        }
        return x;
    }

    private static Double scalar(TensorProto c) {
        if (c == null || c.getDimsCount() > 1 || (c.getDimsCount() == 1 && c.getDims(0) != 1)) {
            return null;
        }
        ByteBuffer b = c.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        return switch (c.getDataType()) {
            case TensorProto.DataType.FLOAT_VALUE -> c.getFloatDataCount() > 0 ? (double) c.getFloatData(0)
                    : b.remaining() >= 4 ? (double) b.getFloat(0) : null;
            case TensorProto.DataType.DOUBLE_VALUE -> c.getDoubleDataCount() > 0 ? c.getDoubleData(0)
                    : b.remaining() >= 8 ? b.getDouble(0) : null;
            default -> null;
        };
    }

    private static HostTensor floats(TensorProto t, String name, String where) {
        long[] shape = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
        int n = (int) HostTensor.numel(shape);
        if (t.getDataType() != TensorProto.DataType.FLOAT_VALUE) {
            throw new LorankException(where + ": initializer " + t.getName() + " has ONNX data type "
                    + t.getDataType() + ", expected FLOAT (1); only fp32 ONNX files are supported");
        }
        float[] v = new float[n];
        if (t.getFloatDataCount() == n && n > 0) {
            for (int i = 0; i < n; i++) {
                v[i] = t.getFloatData(i);
            }
        } else if (t.getRawData().size() == 4L * n) {
            t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
        } else {
            throw new LorankException(where + ": initializer " + t.getName() + " " + HostTensor.shapeString(shape)
                    + " has " + t.getRawData().size() + " raw bytes, expected " + 4L * n
                    + "; the file is corrupt or uses external data");
        }
        return new HostTensor(name, shape, v);
    }
}
