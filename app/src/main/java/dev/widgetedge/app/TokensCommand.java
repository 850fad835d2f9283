package dev.widgetedge.app;

import dev.widgetedge.admin.AdminTokens;
import dev.widgetedge.core.key.AdminTokenFormat;
import dev.widgetedge.core.store.RedisAdminTokenStore;
import dev.widgetedge.core.store.RedisConnector;
import dev.widgetedge.core.store.StoreException;
import dev.widgetedge.core.token.AccountIds;
import dev.widgetedge.core.token.AccountScope;
import dev.widgetedge.core.token.AdminToken;
import dev.widgetedge.core.token.AdminTokenStore;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code widget-edge tokens create|list|revoke}: the admin API's bearer tokens. */
@Command(name = "tokens", mixinStandardHelpOptions = true,
        description = "Manage admin API bearer tokens (stored in Redis as digests only).",
        subcommands = {TokensCommand.Create.class, TokensCommand.ListTokens.class, TokensCommand.Revoke.class})
final class TokensCommand {

    /**
     * Runs {@code action} against the token store. One attempt to connect: these commands are
     * one-shot, so an unreachable Redis is an error at once (exit 1), not a retry.
     */
    static <T> T withStore(StoreOptions options, Function<AdminTokenStore, CompletionStage<T>> action)
            throws InterruptedException {
        try (RedisConnector redis = options.connectOnce()) {
            return action.apply(new RedisAdminTokenStore(redis)).toCompletableFuture().get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof StoreException store ? store : new StoreException("token store failed", e);
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create a token and print it (only it) on stdout; it is not shown again.")
    static final class Create implements Callable<Integer> {

        static final class Scope {
            @Option(names = "--account", paramLabel = "ACCOUNT", required = true,
                    description = "An account the token may act for; repeat for several.")
            List<String> accounts;

            @Option(names = "--all-accounts", required = true, description = "The token may act for any account.")
            boolean allAccounts;
        }

        @ArgGroup(exclusive = true, multiplicity = "1")
        Scope scope;

        @Option(names = "--name", paramLabel = "NAME", description = "A label shown by list.")
        String name = "";

        @Mixin
        StoreOptions store;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            AccountScope accountScope = scope.allAccounts ? AccountScope.all() : AccountScope.of(validAccounts());
            String token = AdminTokenFormat.mintToken();
            AdminToken issued = withStore(store,
                    tokens -> AdminTokens.issue(tokens, token, name.strip(), accountScope, Clock.systemUTC()));
            spec.commandLine().getOut().println(token);
            spec.commandLine().getOut().flush();
            spec.commandLine().getErr().println("created token " + issued.id() + " for accounts "
                    + issued.scope() + " (shown once: store it now)");
            return 0;
        }

        private LinkedHashSet<String> validAccounts() {
            LinkedHashSet<String> accounts = new LinkedHashSet<>();
            for (String account : scope.accounts) {
                if (!AccountIds.isValid(account)) {
                    throw new UsageError("--account", "'" + account + "'", AccountIds.EXPECTED);
                }
                accounts.add(account);
            }
            return accounts;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List tokens: id, name, accounts, created, last 8 characters. Never the token.")
    static final class ListTokens implements Callable<Integer> {

        @Mixin
        StoreOptions store;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            List<AdminToken> tokens = withStore(store, AdminTokenStore::list);
            PrintWriter out = spec.commandLine().getOut();
            String format = "%-20s  %-24s  %-32s  %-24s  %s%n";
            out.printf(format, "ID", "NAME", "ACCOUNTS", "CREATED", "LAST8");
            for (AdminToken token : tokens) {
                out.printf(format, token.id(), token.name(), token.scope(), created(token.createdAt()),
                        "…" + token.last8());
            }
            out.flush();
            return 0;
        }

        private static String created(Instant at) {
            return at.truncatedTo(ChronoUnit.SECONDS).toString();
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = "Revoke a token by id; it stops working at once.")
    static final class Revoke implements Callable<Integer> {

        @Parameters(paramLabel = "ID", description = "The token id, as shown by list.")
        String id;

        @Mixin
        StoreOptions store;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            boolean revoked = withStore(store, tokens -> tokens.revoke(id));
            if (!revoked) {
                spec.commandLine().getErr().println("widget-edge: no token with id " + id);
                return 1;
            }
            spec.commandLine().getErr().println("revoked token " + id);
            return 0;
        }
    }
}
