/**
 * The in-memory engine: questions evaluated event by event, obviously correct rather than fast. It
 * answers for stores without SQL and is the oracle the SQL engine is tested against.
 */
package io.sextant.query.memory;
