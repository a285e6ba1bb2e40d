package io.sextant.bench.springsys.shop;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Chaos hooks inside the service, as chaos-monkey-for-spring-boot has them: {@code POST /chaos}
 * with {@code {"exceptionRate": 0.3}} makes this filter throw on that share of requests (never on
 * /actuator or /chaos), {@code {"cpuHog": true}} starts a thread that burns one core; {@code DELETE
 * /chaos} (or {@code POST /chaos {}}) clears both. {@code GET /chaos} tells the state.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 20)
public class ChaosFilter extends OncePerRequestFilter {
  private static final Pattern RATE = Pattern.compile("\"exceptionRate\"\\s*:\\s*([0-9.]+)");
  private static final Pattern HOG = Pattern.compile("\"cpuHog\"\\s*:\\s*true");

  private volatile double exceptionRate;
  private volatile Thread hog;

  @Override
  protected void doFilterInternal(
      HttpServletRequest req, HttpServletResponse res, FilterChain chain)
      throws ServletException, IOException {
    String path = req.getRequestURI();
    if (path.equals("/chaos")) {
      chaos(req, res);
      return;
    }
    double rate = exceptionRate;
    if (rate > 0
        && !path.startsWith("/actuator")
        && ThreadLocalRandom.current().nextDouble() < rate) {
      throw new IllegalStateException("Chaos Monkey - RuntimeException");
    }
    chain.doFilter(req, res);
  }

  private void chaos(HttpServletRequest req, HttpServletResponse res) throws IOException {
    switch (req.getMethod()) {
      case "POST" -> {
        String body = new String(req.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        Matcher m = RATE.matcher(body);
        exceptionRate = m.find() ? Double.parseDouble(m.group(1)) : 0;
        setHog(HOG.matcher(body).find());
      }
      case "DELETE" -> {
        exceptionRate = 0;
        setHog(false);
      }
      default -> {}
    }
    res.setContentType("application/json");
    res.getWriter()
        .write("{\"exceptionRate\":" + exceptionRate + ",\"cpuHog\":" + (hog != null) + "}");
  }

  private synchronized void setHog(boolean on) {
    if (on && hog == null) {
      Thread t =
          new Thread(
              () -> {
                long x = 0;
                while (!Thread.currentThread().isInterrupted()) {
                  x = x * 6364136223846793005L + 1442695040888963407L;
                }
                if (x == 42) {
                  System.out.println(x);
                }
              },
              "chaos-cpu-hog");
      t.setDaemon(true);
      t.start();
      hog = t;
    } else if (!on && hog != null) {
      hog.interrupt();
      hog = null;
    }
  }
}
