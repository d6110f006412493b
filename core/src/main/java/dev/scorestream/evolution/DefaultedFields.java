package dev.scorestream.evolution;

import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Resolver;
import org.apache.avro.Schema;

/**
 * The reader's top-level fields that every event of one writer schema carries as the reader's
 * default, because the writer has no field for them.
 *
 * <p>This is what the metric "share of events decoded with the reader's default" needs, and it is a
 * constant of the writer schema: the decoder resolves each writer schema id once, so counting
 * events per schema id (one increment per event) and multiplying by this list gives the per-field
 * count without looking at a single decoded value. Read off Avro's {@link Resolver}, which the
 * decoder itself follows.
 */
public final class DefaultedFields {

  private DefaultedFields() {}

  /** Field names in reader order; empty when nothing decodes (a required field is missing). */
  public static List<String> of(Schema writer, Schema reader) {
    if (!(Resolver.resolve(writer, reader) instanceof Resolver.RecordAdjust adjust)) {
      return List.of();
    }
    List<String> names = new ArrayList<>();
    for (int i = adjust.firstDefault; i < adjust.readerOrder.length; i++) {
      names.add(adjust.readerOrder[i].name());
    }
    names.sort((a, b) -> Integer.compare(reader.getField(a).pos(), reader.getField(b).pos()));
    return List.copyOf(names);
  }
}
