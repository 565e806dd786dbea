package io.lorank.model;

import java.util.Arrays;

/**
 * A named fp32 tensor in Java memory, row-major, as read from a checkpoint before it goes to the engine.
 *
 * @param name  HF parameter name, e.g. {@code encoder.layer.3.attention.self.query.weight}
 * @param shape dimensions; a Linear weight is [out=m, in=n]
 * @param data  values, length = product of {@code shape}
 */
public record HostTensor(String name, long[] shape, float[] data) {
    public HostTensor {
        if (numel(shape) != data.length) {
            throw new IllegalArgumentException(name + ": shape " + Arrays.toString(shape) + " needs " + numel(shape)
                    + " values, got " + data.length);
        }
    }

    public static long numel(long[] shape) {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        return n;
    }

    /** The transpose of a 2-D tensor (ONNX MatMul stores [in, out]; a Linear wants [out, in]). */
    public HostTensor transpose2d(String newName) {
        if (shape.length != 2) {
            throw new IllegalArgumentException(name + " is not 2-D");
        }
        int rows = (int) shape[0];
        int cols = (int) shape[1];
        float[] t = new float[data.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t[j * rows + i] = data[i * cols + j];
            }
        }
        return new HostTensor(newName, new long[] {cols, rows}, t);
    }

    public HostTensor rename(String newName) {
        return new HostTensor(newName, shape, data);
    }

    /** "[384, 384]" for error messages. */
    public static String shapeString(long[] shape) {
        return Arrays.toString(shape);
    }
}
