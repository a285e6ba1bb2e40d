package io.sextant.demo.service;

/** A route's logic: returns what is answered as JSON with 200, or throws. */
@FunctionalInterface
public interface Handler {
  Object handle(Call call) throws Exception;
}
