package io.skein.broker.handler;

import io.skein.replication.api.ControllerCommand;
import io.skein.replication.api.ControllerResult;
import io.skein.replication.api.MetadataImage;
import io.skein.replication.api.MetadataQuorum;
import io.skein.security.sasl.ScramKeys;
import io.skein.wire.api.RequestContext;
import io.skein.wire.api.RequestHandler;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.AlterUserScramCredentialsRequestData;
import org.apache.kafka.common.message.AlterUserScramCredentialsResponseData;
import org.apache.kafka.common.message.DescribeUserScramCredentialsRequestData;
import org.apache.kafka.common.message.DescribeUserScramCredentialsResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AlterUserScramCredentialsRequest;
import org.apache.kafka.common.requests.DescribeUserScramCredentialsRequest;
import org.apache.kafka.common.security.scram.ScramCredential;

/**
 * AlterUserScramCredentials and DescribeUserScramCredentials: SCRAM users live in the metadata
 * log. The client sends a salt and a salted password; the broker derives the stored and server
 * keys (kafka-clients' ScramFormatter) and the controller records them, so every broker can
 * authenticate the user. Describe reports mechanisms and iterations, never keys. With ACLs, altering
 * needs ALTER and describing DESCRIBE on the cluster (CLUSTER_AUTHORIZATION_FAILED), as in Kafka.
 */
public final class ScramCredentialsHandler implements RequestHandler {

    private final MetadataQuorum quorum;
    private final Authorization authz;

    public ScramCredentialsHandler(MetadataQuorum quorum, Authorization authz) {
        this.authz = authz;
        this.quorum = quorum;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, AbstractRequest request) {
        AclOperation needed = request instanceof DescribeUserScramCredentialsRequest ? AclOperation.DESCRIBE
                : AclOperation.ALTER;
        if (!authz.authorizeCluster(context, needed)) {
            return CompletableFuture.completedFuture(Authorization.refused(request, Errors.CLUSTER_AUTHORIZATION_FAILED));
        }
        if (request instanceof DescribeUserScramCredentialsRequest describe) {
            return CompletableFuture.completedFuture(describe(describe.data(), quorum.image()));
        }
        return alter(((AlterUserScramCredentialsRequest) request).data());
    }

    private CompletableFuture<ApiMessage> alter(AlterUserScramCredentialsRequestData data) {
        Map<String, Errors> early = new HashMap<>();
        Map<String, String> earlyMessages = new HashMap<>();
        Set<String> users = new LinkedHashSet<>();
        List<ControllerCommand.ScramUpsertion> upsertions = new ArrayList<>();
        List<ControllerCommand.ScramDeletion> deletions = new ArrayList<>();
        for (AlterUserScramCredentialsRequestData.ScramCredentialDeletion d : data.deletions()) {
            users.add(d.name());
            deletions.add(new ControllerCommand.ScramDeletion(d.name(), ScramMechanism.fromType(d.mechanism()).mechanismName()));
        }
        for (AlterUserScramCredentialsRequestData.ScramCredentialUpsertion u : data.upsertions()) {
            users.add(u.name());
            String mechanism = ScramMechanism.fromType(u.mechanism()).mechanismName();
            if (!ScramKeys.isScram(mechanism)) {
                early.putIfAbsent(u.name(), Errors.UNSUPPORTED_SASL_MECHANISM);
                earlyMessages.putIfAbsent(u.name(), "Unknown SCRAM mechanism");
                continue;
            }
            if (u.salt() == null || u.salt().length == 0 || u.saltedPassword() == null || u.saltedPassword().length == 0) {
                early.putIfAbsent(u.name(), Errors.UNACCEPTABLE_CREDENTIAL);
                earlyMessages.putIfAbsent(u.name(), "Salt and salted password must not be empty");
                continue;
            }
            ScramCredential keys = ScramKeys.derive(mechanism, u.salt(), u.saltedPassword(), u.iterations());
            upsertions.add(new ControllerCommand.ScramUpsertion(u.name(), mechanism, keys.salt(), keys.storedKey(),
                    keys.serverKey(), u.iterations()));
        }
        upsertions.removeIf(u -> early.containsKey(u.user()));
        deletions.removeIf(d -> early.containsKey(d.user()));
        CompletableFuture<Map<String, ControllerResult.ItemResult>> results =
                upsertions.isEmpty() && deletions.isEmpty() ? CompletableFuture.completedFuture(Map.of())
                        : quorum.submit(new ControllerCommand.AlterScramCredentials(upsertions, deletions))
                        .thenCompose(result -> quorum.awaitApplied(result.offset()).thenApply(applied -> {
                            Map<String, ControllerResult.ItemResult> byUser = new HashMap<>();
                            result.items().forEach(i -> byUser.put(i.key(), i));
                            return byUser;
                        }));
        return results.thenApply(byUser -> {
            AlterUserScramCredentialsResponseData response = new AlterUserScramCredentialsResponseData();
            for (String user : users) {
                Errors error = early.get(user);
                String message = earlyMessages.get(user);
                if (error == null) {
                    ControllerResult.ItemResult item = byUser.get(user);
                    error = item == null ? Errors.UNKNOWN_SERVER_ERROR : item.error();
                    message = item == null ? null : item.message();
                }
                response.results().add(new AlterUserScramCredentialsResponseData.AlterUserScramCredentialsResult()
                        .setUser(user).setErrorCode(error.code()).setErrorMessage(error == Errors.NONE ? null : message));
            }
            return response;
        });
    }

    private static DescribeUserScramCredentialsResponseData describe(DescribeUserScramCredentialsRequestData data,
                                                                      MetadataImage image) {
        DescribeUserScramCredentialsResponseData response = new DescribeUserScramCredentialsResponseData();
        Map<String, Map<String, MetadataImage.ScramCredentialInfo>> all = new TreeMap<>(image.scramCredentials());
        // no users named (null or an empty list) means every user, as in Kafka
        List<String> users = data.users() == null || data.users().isEmpty() ? new ArrayList<>(all.keySet())
                : data.users().stream().map(DescribeUserScramCredentialsRequestData.UserName::name).toList();
        Map<String, Integer> counts = new HashMap<>();
        users.forEach(u -> counts.merge(u, 1, Integer::sum));
        for (String user : new LinkedHashSet<>(users)) {
            DescribeUserScramCredentialsResponseData.DescribeUserScramCredentialsResult result =
                    new DescribeUserScramCredentialsResponseData.DescribeUserScramCredentialsResult().setUser(user);
            Map<String, MetadataImage.ScramCredentialInfo> credentials = all.get(user);
            if (counts.get(user) > 1) {
                result.setErrorCode(Errors.DUPLICATE_RESOURCE.code()).setErrorMessage("Cannot describe SCRAM credentials "
                        + "for the same user twice in a single request: " + user);
            } else if (credentials == null) {
                result.setErrorCode(Errors.RESOURCE_NOT_FOUND.code())
                        .setErrorMessage("Attempt to describe a user credential that does not exist: " + user);
            } else {
                new TreeMap<>(credentials).forEach((mechanism, info) -> result.credentialInfos().add(
                        new DescribeUserScramCredentialsResponseData.CredentialInfo()
                                .setMechanism(ScramMechanism.fromMechanismName(mechanism).type())
                                .setIterations(info.iterations())));
            }
            response.results().add(result);
        }
        return response;
    }
}
