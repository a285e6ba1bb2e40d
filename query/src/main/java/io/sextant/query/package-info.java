/**
 * The question model and what every engine shares: a {@link io.sextant.query.Question} over events
 * in a time range (filters, breakdowns, calculations, time series, heatmaps), compare-to-baseline,
 * trace search, the answers, and the plan both engines answer so that they refuse and answer alike.
 * {@link io.sextant.query.Engines#of} picks an engine for a store: the SQL engine ({@code
 * query.sql}) or the in-memory one ({@code query.memory}); {@code query.text} is the one-line text
 * syntax. User input never reaches SQL as text: values are bound parameters and column names are
 * resolved against the store's catalog of known fields.
 */
package io.sextant.query;
