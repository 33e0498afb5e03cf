package io.latentforge.model;

/** The family tests' generated data, for tests in other packages. */
public final class AutoencoderFamilyTestData {

  private AutoencoderFamilyTestData() {}

  public static double[][] bars(int n, int size, long seed) {
    return AutoencoderFamilyTest.bars(n, size, seed);
  }

  public static double meanBaseline(double[][] x) {
    return AutoencoderFamilyTest.meanBaseline(x);
  }
}
