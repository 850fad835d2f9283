package dev.widgetedge.app;

import dev.widgetedge.core.audit.AuditLimits;
import java.time.Duration;
import picocli.CommandLine.Option;

/** {@code --audit-retention}, shared by the commands that run the admin API. */
final class AuditOption {

    @Option(names = "--audit-retention", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long the audit log keeps an event (default: ${DEFAULT-VALUE}; "
                    + "at most 100000 events per account either way).")
    Duration retention = AuditLimits.DEFAULT_RETENTION;

    /** The validated limits. */
    AuditLimits value() {
        return new AuditLimits(Check.positive("--audit-retention", retention));
    }
}
