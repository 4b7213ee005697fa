/** The broker process: wiring of storage, metadata quorum, handlers and the wire server, and its lifecycle. */
package io.skein.broker.server;
