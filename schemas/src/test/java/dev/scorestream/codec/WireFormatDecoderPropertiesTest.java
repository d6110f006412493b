package dev.scorestream.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.avro.generic.GenericRecord;

/**
 * Whatever bytes arrive, the decoder answers with a value: decoded or a reasoned failure, never an
 * exception.
 */
class WireFormatDecoderPropertiesTest {

  final InMemorySchemas registry =
      new InMemorySchemas()
          .with(1, WireFormatDecoderTest.READER)
          .with(2, WireFormatDecoderTest.EVOLVED);
  final WireFormatDecoder decoder = new WireFormatDecoder(WireFormatDecoderTest.READER, registry);

  @Property(tries = 3000)
  void anyBytesAreDecodedOrRejectedWithReason(@ForAll("payloads") byte[] bytes) {
    DecodeResult result = decoder.decode(bytes);

    assertThat(result).isNotNull();
    if (result instanceof DecodeResult.Failed failed) {
      assertThat(failed.failure()).isNotNull();
      assertThat(failed.message()).isNotBlank();
    } else {
      GenericRecord record = ((DecodeResult.Decoded) result).record();
      assertThat(record.getSchema()).isEqualTo(WireFormatDecoderTest.READER);
    }
  }

  @Property(tries = 1000)
  void corruptingAValidPayloadNeverThrows(
      @ForAll("validPayloads") byte[] valid, @ForAll int position, @ForAll byte replacement) {
    byte[] corrupted = Arrays.copyOf(valid, valid.length);
    corrupted[Math.floorMod(position, corrupted.length)] = replacement;

    assertThat(decoder.decode(corrupted)).isNotNull();
  }

  @Property(tries = 500)
  void everyPrefixOfAValidPayloadIsRejected(
      @ForAll("validPayloads") byte[] valid, @ForAll int cut) {
    int length = Math.floorMod(cut, valid.length);

    assertThat(decoder.decode(Arrays.copyOf(valid, length)))
        .isInstanceOf(DecodeResult.Failed.class);
  }

  @Provide
  Arbitrary<byte[]> payloads() {
    Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(64);
    Arbitrary<byte[]> withHeader =
        Arbitraries.integers()
            .between(0, 3)
            .flatMap(
                id ->
                    Arbitraries.bytes()
                        .array(byte[].class)
                        .ofMaxSize(48)
                        .map(
                            body -> {
                              byte[] bytes = new byte[body.length + 5];
                              bytes[4] = (byte) (int) id;
                              System.arraycopy(body, 0, bytes, 5, body.length);
                              return bytes;
                            }));
    return Arbitraries.oneOf(random, withHeader);
  }

  @Provide
  Arbitrary<byte[]> validPayloads() {
    WireFormatEncoder encoder = new WireFormatEncoder(WireFormatDecoderTest.READER, 1);
    return Arbitraries.strings()
        .ofMaxLength(40)
        .flatMap(
            id ->
                Arbitraries.doubles()
                    .map(
                        amount ->
                            encoder.encode(
                                WireFormatDecoderTest.payment(
                                    WireFormatDecoderTest.READER, id, amount, "POS"))));
  }
}
