/**
 * What the broker sees of the coordinators: the contract through which it tells a coordinator
 * which partitions of its internal topic this node leads. Depends on log-storage's API only.
 */
package io.skein.coordinator.api;
