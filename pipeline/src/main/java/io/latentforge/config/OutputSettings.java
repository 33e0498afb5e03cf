package io.latentforge.config;

/** Where published tables are announced; see {@code output} in conf/latentforge.conf. */
public record OutputSettings(String table) {

  public boolean registersTable() {
    return !table.isBlank();
  }

  /** The {@code output} section. */
  static OutputSettings from(ConfigReader r) {
    return new OutputSettings(r.tableName("table"));
  }
}
