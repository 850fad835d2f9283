package dev.widgetedge.core.token;

import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The accounts an admin token may act for: a fixed set, or every account.
 *
 * @param allAccounts whether the token may act for any account
 * @param accounts    the permitted accounts when not {@code allAccounts}; empty otherwise
 */
public record AccountScope(boolean allAccounts, SortedSet<String> accounts) {

    public AccountScope {
        accounts = new TreeSet<>(accounts);
        if (allAccounts == !accounts.isEmpty()) {
            throw new IllegalArgumentException("a scope is either all accounts or a non-empty set");
        }
    }

    /** A scope of every account. */
    public static AccountScope all() {
        return new AccountScope(true, new TreeSet<>());
    }

    /** A scope of exactly these accounts (at least one). */
    public static AccountScope of(Set<String> accounts) {
        return new AccountScope(false, new TreeSet<>(accounts));
    }

    /** Whether the token may act for {@code accountId}. */
    public boolean permits(String accountId) {
        return allAccounts || accounts.contains(accountId);
    }

    /** The only account of a single-account scope; the account a call may then omit. */
    public Optional<String> soleAccount() {
        return accounts.size() == 1 ? Optional.of(accounts.first()) : Optional.empty();
    }

    @Override
    public String toString() {
        return allAccounts ? "*" : String.join(",", accounts);
    }
}
