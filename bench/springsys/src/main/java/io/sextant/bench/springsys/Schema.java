package io.sextant.bench.springsys;

import java.util.ArrayList;
import java.util.List;

/** Each database's tables and seed rows, created by the launcher before the services use them. */
final class Schema {
  private Schema() {}

  static List<String> of(String database) {
    List<String> s = new ArrayList<>();
    switch (database) {
      case "customers" -> {
        s.add(
            "create table customers (id bigint primary key, name text not null, email text not"
                + " null, country text not null)");
        s.add(
            "insert into customers select i, 'Customer ' || i, 'c' || i || '@example.org',"
                + " (array['DE','FR','NL','PL','SE','US'])[1 + i % 6] from generate_series(1, 200)"
                + " i");
      }
      case "catalog" -> {
        s.add(
            "create table products (id bigint primary key, name text not null, description text,"
                + " price_cents bigint not null)");
        s.add(
            "insert into products select i, 'Product ' || i, 'A fine product number ' || i,"
                + " 100 * (i % 50 + 1) from generate_series(1, 100) i");
        s.add(
            "create table reviews (id bigserial primary key, product_id bigint not null, stars"
                + " int not null, body text not null)");
        s.add(
            "insert into reviews(product_id, stars, body) select 1 + i % 100, 1 + i % 5, 'Review "
                + "' || i from generate_series(1, 500) i");
        s.add("create index on reviews(product_id)");
      }
      case "inventory" -> {
        s.add(
            "create table stock (product_id bigint primary key, on_hand bigint not null, reserved"
                + " bigint not null, warehouse text not null)");
        s.add(
            "insert into stock select i, 1000000000, 0, (array['north','south'])[1 + i % 2] from"
                + " generate_series(1, 100) i");
      }
      case "orders" ->
          s.add(
              "create table orders (id bigserial primary key, customer_id bigint not null,"
                  + " product_id bigint not null, amount_cents bigint not null, status text not"
                  + " null, created timestamptz not null default now())");
      case "payments" ->
          s.add(
              "create table payments (id bigserial primary key, amount_cents bigint not null,"
                  + " status text not null, created timestamptz not null default now())");
      case "shipping" ->
          s.add(
              "create table shipments (id bigserial primary key, order_id bigint not null, status"
                  + " text not null, created timestamptz not null default now())");
      case "notifications" -> {
        s.add(
            "create table notifications (id bigserial primary key, customer_id bigint not null,"
                + " order_id bigint not null, message text not null)");
        s.add("create index on notifications(customer_id)");
      }
      default -> throw new IllegalArgumentException("no schema for " + database);
    }
    return s;
  }
}
