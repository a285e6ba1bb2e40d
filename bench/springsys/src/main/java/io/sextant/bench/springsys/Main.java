package io.sextant.bench.springsys;

import io.sextant.bench.springsys.shop.ShopApplication;
import java.util.Arrays;

/**
 * The one entry point of springsys.jar. {@code kafka DIR PORT CONTROLLER_PORT TOPIC...} runs the
 * Kafka broker (no Spring, no agent); anything else is a shop service, its role picked by {@code
 * --spring.profiles.active=ROLE}.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("kafka")) {
      KafkaBroker.main(Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    ShopApplication.main(args);
  }
}
