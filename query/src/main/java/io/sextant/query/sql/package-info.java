/**
 * The SQL engine: one statement shape for every store, with what differs between stores in a {@link
 * io.sextant.query.sql.SqlDialect}, found by the name the store gives its SQL among the dialects
 * registered as services (docs/adr/0024-query-packages-and-dialect.md).
 */
package io.sextant.query.sql;
