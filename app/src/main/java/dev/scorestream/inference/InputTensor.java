package dev.scorestream.inference;

import java.util.Arrays;
import java.util.List;

/**
 * One named input of a V2 request, as either binding decoded it: the datatype the client declared,
 * the shape, and the elements in row-major order (Boolean, Long for every integer type, Double for
 * FP32 and FP64, byte[] for BYTES; null only where a JSON client sent null).
 */
public record InputTensor(String name, String datatype, long[] shape, List<Object> values) {

  @Override
  public boolean equals(Object other) {
    return other instanceof InputTensor tensor
        && name.equals(tensor.name)
        && datatype.equals(tensor.datatype)
        && Arrays.equals(shape, tensor.shape)
        && values.equals(tensor.values);
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + Arrays.hashCode(shape);
  }

  @Override
  public String toString() {
    return name + " " + datatype + Arrays.toString(shape);
  }
}
