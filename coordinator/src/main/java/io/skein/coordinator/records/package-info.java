/** Byte-level encoding shared by the coordinators' internal-topic record formats. */
package io.skein.coordinator.records;
