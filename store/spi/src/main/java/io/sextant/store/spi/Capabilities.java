package io.sextant.store.spi;

/**
 * What a store can do. The zero value ({@link #NONE}) is the least capable store; query layers
 * refuse what a store cannot do rather than approximate it.
 *
 * @param durable writes survive a crash of the process once {@code write} returns
 * @param retention {@code deleteBefore} is supported
 */
public record Capabilities(boolean durable, boolean retention) {
  public static final Capabilities NONE = new Capabilities(false, false);
}
