package dev.scorestream.features;

import org.tribuo.Example;
import org.tribuo.Output;
import org.tribuo.impl.ArrayExample;

/**
 * An {@link ArrayExample} over names that are already in Tribuo's order (sorted, no duplicates),
 * taken as they are. {@code ArrayExample}'s array constructor copies both arrays and sorts them
 * through boxed indices on every call, about a fifth of the cost of scoring one record; the
 * extractor produces names in order, so that work is wasted. {@link #of} checks the order (one
 * comparison per neighbour pair) and falls back to the sorting constructor when it does not hold.
 */
final class PresortedExample<T extends Output<T>> extends ArrayExample<T> {

  private static final long serialVersionUID = 1L;

  private PresortedExample(T output, String[] names, double[] values) {
    super(output, Example.DEFAULT_WEIGHT, 0);
    this.featureNames = names;
    this.featureValues = values;
    this.size = names.length;
  }

  /** Takes ownership of both arrays (same length); the caller must not change them afterwards. */
  static <T extends Output<T>> ArrayExample<T> of(T output, String[] names, double[] values) {
    for (int i = 1; i < names.length; i++) {
      if (names[i - 1].compareTo(names[i]) >= 0) {
        return new ArrayExample<>(output, names, values);
      }
    }
    return new PresortedExample<>(output, names, values);
  }
}
