/** The {@code skein} command line: {@code start [--config FILE] [--set key=value]...}. */
package io.skein.broker.cli;
