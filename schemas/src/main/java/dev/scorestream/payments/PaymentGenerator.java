package dev.scorestream.payments;

import dev.scorestream.schemas.LabelledRecord;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * Generates card payments on the {@code PaymentEvent} schema (or a compatible writer schema) with a
 * known ground truth: the fraud probability is a logistic function of amount, card presence, hour,
 * account age and merchant category, so a trained model has something real to learn. Deterministic
 * per seed.
 */
public final class PaymentGenerator {

  public static final String FRAUD = "FRAUD";
  public static final String LEGIT = "LEGIT";

  static final List<String> COUNTRIES =
      List.of("DE", "FR", "NL", "ES", "IT", "GB", "US", "CH", "PL", "SE");
  static final List<String> CURRENCIES =
      List.of("EUR", "EUR", "EUR", "EUR", "EUR", "GBP", "USD", "CHF", "PLN", "SEK");
  static final List<String> CATEGORIES =
      List.of(
          "grocery",
          "electronics",
          "travel",
          "gaming",
          "fuel",
          "restaurants",
          "fashion",
          "digital_goods");
  static final double[] CATEGORY_WEIGHTS = {0.28, 0.10, 0.08, 0.05, 0.14, 0.18, 0.12, 0.05};

  /**
   * A change in the population, for drift scenarios.
   *
   * @param amountFactor amounts are multiplied by it
   * @param newCountry a country the training data never had, or null
   * @param newCountryShare share of payments from {@code newCountry}
   * @param ecomShare share of card-not-present e-commerce payments, or a negative value for the
   *     usual mix
   * @param newCountryFraudLogit added to the fraud log-odds of payments from {@code newCountry}: a
   *     change in the truth itself (concept drift) that a model trained before it cannot know
   */
  public record Shift(
      double amountFactor,
      String newCountry,
      double newCountryShare,
      double ecomShare,
      double newCountryFraudLogit,
      Concept concept) {
    public static final Shift NONE = new Shift(1.0, null, 0.0, -1.0, 0.0, Concept.USUAL);

    public Shift(double amountFactor, String newCountry, double newCountryShare, double ecomShare) {
      this(amountFactor, newCountry, newCountryShare, ecomShare, 0.0, Concept.USUAL);
    }

    public Shift(
        double amountFactor,
        String newCountry,
        double newCountryShare,
        double ecomShare,
        double newCountryFraudLogit) {
      this(
          amountFactor,
          newCountry,
          newCountryShare,
          ecomShare,
          newCountryFraudLogit,
          Concept.USUAL);
    }

    /** The usual population under another fraud pattern: a change of season, not of inputs. */
    public static Shift season(Concept concept) {
      return new Shift(1.0, null, 0.0, -1.0, 0.0, concept);
    }
  }

  /**
   * What fraud looks like: the truth a model learns. The features' distributions stay the same; the
   * relation between them and fraud changes, so drift on the inputs barely shows it and only live
   * accuracy does.
   */
  public enum Concept {
    /** Card-not-present, small hours, new accounts, digital goods. */
    USUAL,
    /**
     * The holiday season: skimmed cards used in person for travel and fashion; the digital-goods
     * pattern fades.
     */
    HOLIDAY
  }

  private final Schema schema;
  private final Random random;
  private Shift shift = Shift.NONE;

  public PaymentGenerator(Schema schema, long seed) {
    this.schema = schema;
    this.random = new Random(seed);
  }

  public Random random() {
    return random;
  }

  /** From now on, generates the shifted population. */
  public PaymentGenerator shift(Shift shift) {
    this.shift = shift;
    return this;
  }

  /** A valid payment at {@code eventTime} with its sampled true label. */
  public LabelledRecord next(long eventTime) {
    GenericRecord record = new GenericData.Record(schema);
    int countryIndex = random.nextInt(COUNTRIES.size());
    boolean newCountry =
        shift.newCountry() != null && random.nextDouble() < shift.newCountryShare();
    String channel =
        shift.ecomShare() >= 0
            ? (random.nextDouble() < shift.ecomShare() ? "ECOM" : pickChannel())
            : pickChannel();
    boolean cardPresent =
        (channel.equals("POS") || channel.equals("ATM")) && random.nextDouble() < 0.97;
    String category = pickCategory();
    double amount = Math.round(Math.exp(3.6 + 1.1 * random.nextGaussian()) * 100) / 100.0;
    amount =
        Math.min(
            Math.round(amount * shift.amountFactor() * 100) / 100.0, 25_000 * shift.amountFactor());
    int hour = pickHour();
    int accountAge = (int) Math.min(9000, -Math.log(1 - random.nextDouble()) * 900);
    record.put("event_id", UUID.nameUUIDFromBytes(longBytes(random.nextLong())).toString());
    record.put("customer_id", "C" + (100_000 + random.nextInt(900_000)));
    record.put("amount", amount);
    record.put("currency", CURRENCIES.get(countryIndex));
    record.put("country", newCountry ? shift.newCountry() : COUNTRIES.get(countryIndex));
    record.put("merchant_category", category);
    record.put("channel", new GenericData.EnumSymbol(schema.getField("channel").schema(), channel));
    record.put("card_present", cardPresent);
    record.put("hour_of_day", hour);
    record.put("account_age_days", accountAge);
    record.put("event_time", eventTime);
    double fraud =
        shift.concept() == Concept.HOLIDAY
            ? holidayFraudProbability(amount, cardPresent, category)
            : fraudProbability(amount, cardPresent, hour, accountAge, category);
    if (newCountry && shift.newCountryFraudLogit() != 0) {
      fraud = 1 / (1 + Math.exp(-(Math.log(fraud / (1 - fraud)) + shift.newCountryFraudLogit())));
    }
    return new LabelledRecord(record, random.nextDouble() < fraud ? FRAUD : LEGIT);
  }

  /** The ground truth: P(fraud) for these features. */
  static double fraudProbability(
      double amount, boolean cardPresent, int hour, int accountAgeDays, String category) {
    double logit =
        -4.2
            + 0.9 * Math.log(Math.max(amount, 1) / 40.0)
            + (cardPresent ? 0 : 1.6)
            + (hour < 6 ? 1.3 : 0)
            + (accountAgeDays < 30 ? 1.5 : 0)
            + (category.equals("gaming")
                    || category.equals("digital_goods")
                    || category.equals("electronics")
                ? 1.0
                : 0);
    return 1 / (1 + Math.exp(-logit));
  }

  /** The holiday season's truth: card-present skimming in travel and fashion. */
  static double holidayFraudProbability(double amount, boolean cardPresent, String category) {
    double logit =
        -5.5
            + 1.2 * Math.log(Math.max(amount, 1) / 40.0)
            + (cardPresent ? 3.0 : 0)
            + (category.equals("travel") || category.equals("fashion") ? 4.0 : 0)
            - (category.equals("gaming")
                    || category.equals("digital_goods")
                    || category.equals("electronics")
                ? 1.5
                : 0);
    return 1 / (1 + Math.exp(-logit));
  }

  private String pickChannel() {
    double u = random.nextDouble();
    return u < 0.55 ? "POS" : u < 0.90 ? "ECOM" : u < 0.95 ? "ATM" : "MOTO";
  }

  private String pickCategory() {
    double u = random.nextDouble();
    double acc = 0;
    for (int i = 0; i < CATEGORIES.size(); i++) {
      acc += CATEGORY_WEIGHTS[i];
      if (u < acc) {
        return CATEGORIES.get(i);
      }
    }
    return CATEGORIES.get(CATEGORIES.size() - 1);
  }

  private int pickHour() {
    // Daytime-heavy: 85% between 7 and 22.
    return random.nextDouble() < 0.85 ? 7 + random.nextInt(16) : (23 + random.nextInt(8)) % 24;
  }

  private static byte[] longBytes(long value) {
    byte[] bytes = new byte[8];
    for (int i = 0; i < 8; i++) {
      bytes[i] = (byte) (value >>> (8 * i));
    }
    return bytes;
  }
}
