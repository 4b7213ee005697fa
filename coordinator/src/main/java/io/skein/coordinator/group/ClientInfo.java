package io.skein.coordinator.group;

/**
 * Who sent a group request.
 *
 * @param clientId the request header's client id
 * @param clientHost the client's address as Kafka prints it ({@code /127.0.0.1})
 * @param apiVersion the request's version, which decides the response's shape
 */
public record ClientInfo(String clientId, String clientHost, short apiVersion) {
}
