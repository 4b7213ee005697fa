/** Faults: kill -9 of a broker under load, and what survives it. */
package io.skein.it.failover;
