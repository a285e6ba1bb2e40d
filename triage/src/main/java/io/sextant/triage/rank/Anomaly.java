package io.sextant.triage.rank;

import java.util.Set;

/**
 * A symptom seen outside the probes' pass/fail that points at one component: errors inside probe
 * traces that still answered right (a retry or a fallback hid them), or a process burning far more
 * CPU than its own usual. It enters the posterior as a likelihood ratio: how much likelier the
 * symptom is if that component is at fault than if nothing is (or something unrelated is).
 *
 * @param component the component the symptom is seen at
 * @param ratio the likelihood ratio, P(symptom | fault at component) / P(symptom | otherwise), at
 *     least 1
 * @param alsoFor components whose fault would also explain the symptom, less well (what the
 *     component depends on): they get the square root of the ratio
 * @param why one sentence for the answer
 */
public record Anomaly(String component, double ratio, Set<String> alsoFor, String why) {
  /** No single symptom counts more than this (a thousand to one): evidence is never certain. */
  public static final double MAX_RATIO = 1000;

  /**
   * The share of a probe's runs through a faulty component that hold an error the caller never saw
   * (a fault that fails some requests, hidden by a retry or a fallback).
   */
  public static final double HIDDEN_WHEN_FAULTY = 0.25;

  /** The least share of a probe's healthy runs assumed to hold such an error anyway. */
  public static final double HIDDEN_USUALLY = 0.01;

  public Anomaly {
    if (!(ratio >= 1)) {
      throw new IllegalArgumentException("an anomaly's likelihood ratio must be at least 1");
    }
    ratio = Math.min(ratio, MAX_RATIO);
    alsoFor = Set.copyOf(alsoFor);
  }

  /** The factor this symptom gives the hypothesis that {@code c} is at fault. */
  public double factor(String c) {
    if (c.equals(component)) {
      return ratio;
    }
    return alsoFor.contains(c) ? Math.sqrt(ratio) : 1;
  }
}
