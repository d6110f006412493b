package dev.scorestream.evolution;

import java.util.List;

/**
 * The features of a model imported with a feature spec: one per column, each read from one field.
 * The adapter maps {@code FeatureSpec.columns()}: a {@code Numeric} column to a {@link SpecColumn}
 * without category, a {@code OneHot} column to one with its category.
 */
public final class SpecInputs implements ModelInputs {

  /** One column of the spec: its name (the model's feature), its field, its one-hot category. */
  public record SpecColumn(String name, String field, String category) {}

  private final List<SpecColumn> columns;

  public SpecInputs(List<SpecColumn> columns) {
    this.columns = List.copyOf(columns);
  }

  @Override
  public List<FeatureInput> inputsOf(String field) {
    return columns.stream().filter(c -> c.field().equals(field)).map(SpecInputs::input).toList();
  }

  @Override
  public List<FeatureInput> all() {
    return columns.stream().map(SpecInputs::input).toList();
  }

  private static FeatureInput input(SpecColumn column) {
    return new FeatureInput(
        column.name(),
        column.field(),
        column.category() == null ? FeatureInput.Use.VALUE : FeatureInput.Use.ONE_HOT,
        column.category());
  }
}
