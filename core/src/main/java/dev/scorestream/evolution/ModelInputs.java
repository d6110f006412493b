package dev.scorestream.evolution;

import java.util.List;

/**
 * Which features of one serving model read which reader-schema fields: the seam between the
 * analysis and however a model is fed. {@link ExtractorInputs} covers models fed by the feature
 * extractor, {@link SpecInputs} models imported with a feature spec, and {@link EnrichedInputs}
 * adds the fields an enrichment spec derives from reader fields.
 */
public interface ModelInputs {

  /** The model's features that depend on the top-level reader field {@code field}; maybe none. */
  List<FeatureInput> inputsOf(String field);

  /** Every feature of the model this view can trace to a field. */
  List<FeatureInput> all();
}
