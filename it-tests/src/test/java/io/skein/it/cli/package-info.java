/**
 * The {@code skein start} process as an operator sees it: ready line, exit codes, refusal of bad
 * configuration. Uses {@code io.skein.it.harness} only.
 */
package io.skein.it.cli;
