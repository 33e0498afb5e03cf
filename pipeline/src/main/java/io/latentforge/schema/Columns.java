package io.latentforge.schema;

/** Column names of the tables latentforge writes (the output contract in the README). */
public final class Columns {
  public static final String ID = "id";
  public static final String LABEL = "label";
  public static final String FEATURES = "features";
  public static final String CODE = "code";
  public static final String MODEL_ID = "model_id";
  public static final String RECON_ERROR = "recon_error";
  public static final String CODE_BITS = "code_bits";
  public static final String RUN_DATE = "run_date";
  public static final String REASON = "reason";
  public static final String DETAIL = "detail";

  private Columns() {}
}
