/**
 * ACL authorization with Kafka's StandardAuthorizer semantics: an immutable index of ACL bindings
 * ({@link io.skein.security.acl.AclIndex}), the decision over it
 * ({@link io.skein.security.acl.AclAuthorizer}) and its settings. Pure logic over kafka-clients'
 * ACL types; the broker feeds it the bindings of each new metadata image. Depends on kafka-clients
 * and slf4j only.
 */
package io.skein.security.acl;
