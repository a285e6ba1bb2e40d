package io.sextant.bench.triage;

import static io.sextant.bench.triage.Topology.call;
import static io.sextant.bench.triage.Topology.db;
import static io.sextant.bench.triage.Topology.maybe;
import static io.sextant.bench.triage.Topology.opt;
import static io.sextant.bench.triage.Topology.par;
import static io.sextant.bench.triage.Topology.publish;

import io.sextant.bench.triage.Topology.Call;

/** The two simulated systems. */
final class Systems {
  private Systems() {}

  /**
   * 11 services in the style of Online Boutique (plus accounts and an order history), with a redis
   * cart, two postgres databases and a kafka topic, on five hosts.
   */
  static Topology boutique() {
    Topology t = new Topology("boutique");
    t.service("frontend", "node-1", 8080, 3)
        .service("adservice", "node-1", 9555, 2)
        .service("cartservice", "node-2", 7070, 2)
        .service("accountservice", "node-2", 8081, 3)
        .service("productcatalogservice", "node-3", 3550, 2)
        .service("recommendationservice", "node-3", 8082, 4)
        .service("checkoutservice", "node-4", 5050, 4)
        .service("paymentservice", "node-4", 50051, 3)
        .service("currencyservice", "node-4", 7000, 1.5)
        .service("emailservice", "node-4", 5000, 3)
        .service("shippingservice", "node-5", 50052, 2);
    t.backend("redis-cart", "redis", "node-2", 6379, 0.8)
        .backend("catalog-db", "postgresql", "node-3", 5432, 3)
        .backend("orders-db", "postgresql", "node-5", 5432, 4)
        .backend("accounts-db", "postgresql", "node-5", 5433, 3)
        .backend("orders", "kafka", "node-5", 9092, 1);

    Call cartGet = call("cartservice", "GET /cart", db("redis-cart", "HGETALL cart"));
    Call products =
        call(
            "productcatalogservice",
            "GET /products",
            maybe(0.3, db("catalog-db", "SELECT products")));
    Call product =
        call(
            "productcatalogservice",
            "GET /product/{id}",
            maybe(0.3, db("catalog-db", "SELECT product")));
    Call convert = call("currencyservice", "POST /convert");
    Call recommend = call("recommendationservice", "GET /recommendations", products);
    Call ads = call("adservice", "GET /ads");
    Call quote = call("shippingservice", "POST /quote", convert);

    t.operation(
            "home",
            30,
            call(
                "frontend",
                "GET /",
                par(call("currencyservice", "GET /currencies"), products, cartGet),
                opt(ads)))
        .operation(
            "product",
            25,
            call(
                "frontend",
                "GET /product/{id}",
                product,
                convert,
                cartGet,
                opt(recommend),
                opt(ads)))
        .operation(
            "add-to-cart",
            10,
            call(
                "frontend",
                "POST /cart",
                product,
                call("cartservice", "POST /cart/items", db("redis-cart", "HSET cart"))))
        .operation(
            "view-cart",
            10,
            call("frontend", "GET /cart", cartGet, par(quote, convert), opt(recommend)))
        .operation(
            "checkout",
            5,
            call(
                "frontend",
                "POST /cart/checkout",
                call(
                    "checkoutservice",
                    "POST /orders",
                    cartGet,
                    product,
                    convert,
                    quote,
                    call("paymentservice", "POST /charge"),
                    call("shippingservice", "POST /ship"),
                    call("cartservice", "DELETE /cart", db("redis-cart", "DEL cart")),
                    db("orders-db", "INSERT orders"),
                    publish("orders", "emailservice"))))
        .operation(
            "set-currency",
            3,
            call("frontend", "POST /setCurrency", call("currencyservice", "GET /currencies")))
        .operation(
            "login",
            4,
            call(
                "frontend",
                "POST /login",
                call("accountservice", "POST /login", db("accounts-db", "SELECT users"))))
        .operation(
            "orders",
            3,
            call(
                "frontend",
                "GET /orders",
                call("accountservice", "GET /session", db("accounts-db", "SELECT sessions")),
                call("checkoutservice", "GET /orders", db("orders-db", "SELECT orders"))))
        .operation(
            "search",
            6,
            call(
                "frontend",
                "GET /search",
                call("productcatalogservice", "GET /search", db("catalog-db", "SELECT products"))))
        .operation("recommendations", 2, call("frontend", "GET /recommendations", recommend))
        .operation("ads", 2, call("frontend", "GET /ads", ads))
        .operation("shipping-quote", 2, call("frontend", "GET /shipping/quote", quote));

    t.probe("home", "home", 300, true)
        .probe("product", "product", 300, true)
        .probe("add-to-cart", "add-to-cart", 300, true)
        .probe("view-cart", "view-cart", 300, true)
        .probe("checkout", "checkout", 500, true)
        .probe("login", "login", 300, true)
        .probe("orders", "orders", 300, true)
        .probe("search", "search", 300, true)
        .probe("recommendations", "recommendations", 300, true)
        .flaky("recommendations", 0.1);
    t.extraProbe("ads", 300, call("frontend", "GET /ads", ads))
        .extraProbe(
            "set-currency",
            300,
            call("frontend", "POST /setCurrency", call("currencyservice", "GET /currencies")))
        .extraProbe("shipping-quote", 300, call("frontend", "GET /shipping/quote", quote))
        .extraProbe(
            "cart-health",
            300,
            call("frontend", "GET /health/cart", call("cartservice", "GET /healthz")))
        .extraProbe(
            "catalog-health",
            300,
            call("frontend", "GET /health/catalog", call("productcatalogservice", "GET /healthz")))
        .extraProbe(
            "account-health",
            300,
            call("frontend", "GET /health/account", call("accountservice", "GET /healthz")))
        .extraProbe(
            "checkout-health",
            300,
            call("frontend", "GET /health/checkout", call("checkoutservice", "GET /healthz")))
        .extraProbe(
            "payment-health",
            300,
            call("frontend", "GET /health/payment", call("paymentservice", "GET /healthz")));
    return t;
  }

  /**
   * 43 services in the style of Train Ticket, with eleven databases, a redis cache and two kafka
   * topics, on eight hosts.
   */
  static Topology trainTicket() {
    Topology t = new Topology("train-ticket");
    String[][] placement = {
      {"node-1", "ts-ui-dashboard", "ts-auth", "ts-verification-code", "ts-news", "ts-avatar"},
      {"node-2", "ts-user", "ts-contacts", "ts-admin-user", "ts-voucher", "ts-notification"},
      {"node-3", "ts-travel", "ts-travel2", "ts-travel-plan", "ts-route-plan", "ts-admin-travel"},
      {"node-4", "ts-ticketinfo", "ts-basic", "ts-station", "ts-train", "ts-admin-basic-info"},
      {"node-5", "ts-route", "ts-price", "ts-config", "ts-seat", "ts-admin-route"},
      {"node-6", "ts-order", "ts-order-other", "ts-admin-order", "ts-security", "ts-execute"},
      {"node-7", "ts-preserve", "ts-preserve-other", "ts-assurance", "ts-cancel", "ts-rebook"},
      {
        "node-8",
        "ts-payment",
        "ts-inside-payment",
        "ts-food",
        "ts-train-food",
        "ts-station-food",
        "ts-consign",
        "ts-consign-price",
        "ts-delivery"
      },
    };
    int port = 12340;
    for (String[] node : placement) {
      for (int i = 1; i < node.length; i++) {
        double self = 2 + (node[i].hashCode() & 7) * 0.5;
        t.service(node[i], node[0], port++, self);
      }
    }
    t.backend("user-db", "mongodb", "node-2", 27017, 2)
        .backend("station-db", "mysql", "node-4", 3306, 2.5)
        .backend("train-db", "mysql", "node-4", 3307, 2.5)
        .backend("travel-db", "mysql", "node-3", 3306, 4)
        .backend("route-db", "mongodb", "node-5", 27017, 2)
        .backend("price-db", "mysql", "node-5", 3306, 2)
        .backend("config-db", "mysql", "node-5", 3307, 1.5)
        .backend("order-db", "mysql", "node-6", 3306, 5)
        .backend("contacts-db", "mongodb", "node-2", 27018, 2)
        .backend("payment-db", "mysql", "node-8", 3306, 4)
        .backend("food-db", "mongodb", "node-8", 27017, 3)
        .backend("ticket-cache", "redis", "node-4", 6379, 0.6)
        .backend("notify", "kafka", "node-7", 9092, 1)
        .backend("delivery", "kafka", "node-7", 9092, 1);

    Call token = call("ts-auth", "GET /token");
    Call station =
        call(
            "ts-station",
            "GET /stations/id",
            db("ticket-cache", "GET station"),
            maybe(0.3, db("station-db", "SELECT station")));
    Call train = call("ts-train", "GET /trains/{id}", db("train-db", "SELECT train"));
    Call route = call("ts-route", "GET /routes/{id}", db("route-db", "find routes"));
    Call price = call("ts-price", "GET /prices", db("price-db", "SELECT price"));
    Call basic = call("ts-basic", "POST /travel", par(station, train, route, price));
    Call ticketinfo = call("ts-ticketinfo", "POST /query", basic);
    Call orderTickets = call("ts-order", "POST /tickets", db("order-db", "SELECT orders"));
    Call otherTickets =
        call("ts-order-other", "POST /tickets", db("order-db", "SELECT orders_other"));
    Call config = call("ts-config", "GET /configs", db("config-db", "SELECT config"));
    Call seat = call("ts-seat", "POST /seats/left", orderTickets, config);
    Call seatOther = call("ts-seat", "POST /seats/left", otherTickets, config);
    Call trips =
        call("ts-travel", "POST /trips/left", db("travel-db", "SELECT trips"), ticketinfo, seat);
    Call trips2 =
        call(
            "ts-travel2",
            "POST /trips/left",
            db("travel-db", "SELECT trips2"),
            ticketinfo,
            seatOther);
    Call tripDetail =
        call("ts-travel", "POST /trip_detail", db("travel-db", "SELECT trip"), ticketinfo, seat);
    Call orderGet = call("ts-order", "GET /orders/{id}", db("order-db", "SELECT order"));
    Call orderPut = call("ts-order", "PUT /orders/status", db("order-db", "UPDATE orders"));
    Call user = call("ts-user", "GET /users/{id}", db("user-db", "find users"));
    Call contacts = call("ts-contacts", "GET /contacts", db("contacts-db", "find contacts"));
    Call drawback =
        call("ts-inside-payment", "POST /drawback", db("payment-db", "INSERT drawback"));

    t.operation(
            "login",
            10,
            call(
                "ts-ui-dashboard",
                "POST /api/v1/users/login",
                call(
                    "ts-auth",
                    "POST /login",
                    call("ts-verification-code", "GET /verify"),
                    db("user-db", "find auth_user"),
                    user)))
        .operation(
            "search", 35, call("ts-ui-dashboard", "POST /api/v1/travelservice/trips/left", trips))
        .operation(
            "search-other",
            10,
            call("ts-ui-dashboard", "POST /api/v1/travel2service/trips/left", trips2))
        .operation(
            "travel-plan",
            6,
            call(
                "ts-ui-dashboard",
                "POST /api/v1/travelplanservice/travelPlan/cheapest",
                call(
                    "ts-travel-plan",
                    "POST /travelPlan/cheapest",
                    call("ts-route-plan", "POST /routePlan/cheapest", route, trips, trips2))))
        .operation(
            "contacts",
            5,
            call("ts-ui-dashboard", "GET /api/v1/contactservice/contacts", token, contacts))
        .operation(
            "preserve",
            8,
            call(
                "ts-ui-dashboard",
                "POST /api/v1/preserveservice/preserve",
                token,
                call(
                    "ts-preserve",
                    "POST /preserve",
                    call(
                        "ts-security",
                        "GET /check",
                        call("ts-order", "GET /orders/security", db("order-db", "SELECT count")),
                        call(
                            "ts-order-other",
                            "GET /orders/security",
                            db("order-db", "SELECT count"))),
                    call("ts-contacts", "GET /contacts/{id}", db("contacts-db", "find contact")),
                    tripDetail,
                    call("ts-seat", "POST /seats", orderTickets, config),
                    call("ts-order", "POST /orders", db("order-db", "INSERT orders")),
                    maybe(0.5, call("ts-assurance", "POST /assurances")),
                    maybe(
                        0.4,
                        call(
                            "ts-food",
                            "POST /orders",
                            db("food-db", "INSERT food_order"),
                            publish("delivery", "ts-delivery", db("food-db", "INSERT delivery")))),
                    maybe(
                        0.3,
                        call(
                            "ts-consign",
                            "POST /consigns",
                            call("ts-consign-price", "GET /price"),
                            db("food-db", "INSERT consign"))),
                    user,
                    publish("notify", "ts-notification"))))
        .operation(
            "pay",
            5,
            call(
                "ts-ui-dashboard",
                "POST /api/v1/inside_pay_service/inside_payment",
                token,
                call(
                    "ts-inside-payment",
                    "POST /pay",
                    orderGet,
                    call("ts-payment", "POST /pay", db("payment-db", "INSERT payment")),
                    db("payment-db", "INSERT inside_payment"),
                    orderPut)))
        .operation(
            "cancel",
            2,
            call(
                "ts-ui-dashboard",
                "GET /api/v1/cancelservice/cancel",
                token,
                call(
                    "ts-cancel",
                    "GET /cancel/{id}",
                    orderGet,
                    drawback,
                    user,
                    orderPut,
                    publish("notify", "ts-notification"))))
        .operation(
            "rebook",
            1,
            call(
                "ts-ui-dashboard",
                "POST /api/v1/rebookservice/rebook",
                token,
                call(
                    "ts-rebook",
                    "POST /rebook",
                    orderGet,
                    tripDetail,
                    call("ts-inside-payment", "POST /difference", db("payment-db", "INSERT diff")),
                    orderPut)))
        .operation(
            "collect",
            2,
            call(
                "ts-ui-dashboard",
                "GET /api/v1/executeservice/execute/collected",
                token,
                call("ts-execute", "GET /execute/collected/{id}", orderGet, orderPut)))
        .operation(
            "orders",
            8,
            call(
                "ts-ui-dashboard",
                "POST /api/v1/orderservice/order/refresh",
                token,
                call("ts-order", "POST /order/refresh", db("order-db", "SELECT orders")),
                call(
                    "ts-order-other",
                    "POST /order/refresh",
                    db("order-db", "SELECT orders_other"))))
        .operation(
            "food",
            4,
            call(
                "ts-ui-dashboard",
                "GET /api/v1/foodservice/foods",
                call(
                    "ts-food",
                    "GET /foods",
                    call("ts-train-food", "GET /trainfoods", db("food-db", "find train_food")),
                    call("ts-travel", "GET /routes/{trip}", db("travel-db", "SELECT trip"), route),
                    call(
                        "ts-station-food",
                        "GET /stationfoods",
                        db("food-db", "find station_food")))))
        .operation(
            "consign",
            2,
            call(
                "ts-ui-dashboard",
                "GET /api/v1/consignservice/consigns",
                token,
                call("ts-consign", "GET /consigns/account/{id}", db("food-db", "find consign"))))
        .operation(
            "admin-orders",
            1,
            call(
                "ts-ui-dashboard",
                "GET /api/v1/adminorderservice/adminorder",
                token,
                call(
                    "ts-admin-order",
                    "GET /adminorder",
                    call("ts-order", "GET /orders", db("order-db", "SELECT orders")),
                    call("ts-order-other", "GET /orders", db("order-db", "SELECT orders_other")))))
        .operation(
            "news",
            3,
            call("ts-ui-dashboard", "GET /api/v1/newsservice/news", call("ts-news", "GET /news")))
        .operation(
            "voucher",
            1,
            call(
                "ts-ui-dashboard",
                "POST /getVoucher",
                token,
                call("ts-voucher", "POST /getVoucher", orderGet)))
        .operation(
            "avatar",
            1,
            call(
                "ts-ui-dashboard",
                "POST /api/v1/avatar",
                token,
                call("ts-avatar", "POST /avatar")));

    for (String p :
        new String[] {
          "login",
          "search",
          "search-other",
          "travel-plan",
          "contacts",
          "preserve",
          "pay",
          "cancel",
          "collect",
          "orders",
          "food",
          "consign",
          "admin-orders"
        }) {
      t.probe(p, p, p.equals("preserve") || p.equals("travel-plan") ? 800 : 400, true);
    }
    t.flaky("contacts", 0.1);
    t.extraProbe(
            "stations",
            400,
            gateway(
                "stations",
                call("ts-station", "GET /stations", db("station-db", "SELECT stations"))))
        .extraProbe(
            "trains",
            400,
            gateway("trains", call("ts-train", "GET /trains", db("train-db", "SELECT trains"))))
        .extraProbe(
            "routes", 400, gateway("routes", call("ts-admin-route", "GET /adminroute", route)))
        .extraProbe(
            "prices",
            400,
            gateway("prices", call("ts-price", "GET /prices/all", db("price-db", "SELECT prices"))))
        .extraProbe(
            "configs",
            400,
            gateway("configs", call("ts-config", "GET /configs", db("config-db", "SELECT config"))))
        .extraProbe("users", 400, gateway("users", call("ts-admin-user", "GET /adminuser", user)))
        .extraProbe(
            "admin-basic",
            400,
            gateway(
                "admin-basic",
                call("ts-admin-basic-info", "GET /adminbasic", station, train, config, price)))
        .extraProbe(
            "admin-travel",
            400,
            gateway(
                "admin-travel",
                call(
                    "ts-admin-travel",
                    "GET /admintravel",
                    call("ts-travel", "GET /trips", db("travel-db", "SELECT trips")),
                    call("ts-travel2", "GET /trips", db("travel-db", "SELECT trips2")))))
        .extraProbe("seat-health", 400, gateway("seat-health", call("ts-seat", "GET /healthz")))
        .extraProbe("basic-health", 400, gateway("basic-health", call("ts-basic", "GET /healthz")))
        .extraProbe(
            "ticketinfo-health",
            400,
            gateway("ticketinfo-health", call("ts-ticketinfo", "GET /healthz")))
        .extraProbe("order-health", 400, gateway("order-health", call("ts-order", "GET /healthz")))
        .extraProbe(
            "security-health", 400, gateway("security-health", call("ts-security", "GET /healthz")))
        .extraProbe(
            "payment-health", 400, gateway("payment-health", call("ts-payment", "GET /healthz")))
        .extraProbe(
            "inside-payment-health",
            400,
            gateway("inside-payment-health", call("ts-inside-payment", "GET /healthz")))
        .extraProbe(
            "preserve-health", 400, gateway("preserve-health", call("ts-preserve", "GET /healthz")))
        .extraProbe("news", 400, gateway("news", call("ts-news", "GET /news")))
        .extraProbe(
            "voucher", 400, gateway("voucher", call("ts-voucher", "POST /getVoucher", orderGet)));
    return t;
  }

  private static Call gateway(String path, Call inner) {
    return call("ts-ui-dashboard", "GET /api/v1/probe/" + path, inner);
  }
}
