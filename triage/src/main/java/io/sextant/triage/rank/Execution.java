package io.sextant.triage.rank;

import java.util.Set;

/** A production request: the components its trace touched, and whether it failed. */
public record Execution(Set<String> components, boolean failed) {
  public Execution {
    components = Set.copyOf(components);
  }
}
