#!/usr/bin/env python3
"""Helpers of the load harness (run.sh); standard library only.

  loadtool.py ports N                   N free loopback TCP ports, one per line
  loadtool.py scrape URL [--stamp]      a gateway's counters of interest from /metrics, as JSON
                                        (--stamp adds the time taken, "_t_ms", epoch ms)
  loadtool.py metric NAME [L=V ...]     reads scrape JSON on stdin, prints the sum of NAME's series
  loadtool.py json-field FIELD          reads JSON on stdin, prints one top-level field
  loadtool.py record ...                turns one wrk run (+ metrics before/after) into a JSON line
  loadtool.py peak RESULTS.jsonl --scenario S --system X   median req/s of X in S
  loadtool.py report RESULTS.jsonl      the tables and ratios; --tsv FILE for the plot
"""

import argparse
import json
import re
import socket
import statistics
import sys
import time
import urllib.request

GATEWAYS = ("gw-dev", "gw-base", "gw-redis", "gw-limits", "gw-nolimits")
SERIES_OF_INTEREST = ("cache_gets_total", "widget_gateway_store_requests_total", "widget_gateway_requests_total",
                      "cache_evictions_total", "cache_size", "widget_gateway_key_filter_total",
                      "widget_gateway_key_filter_trusted", "widget_gateway_key_filter_build_duration_seconds",
                      "widget_gateway_key_filter_size_bytes")


def cmd_ports(args):
    sockets = []
    for _ in range(args.n):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.bind(("127.0.0.1", 0))
        sockets.append(s)
    for s in sockets:
        print(s.getsockname()[1])
    for s in sockets:
        s.close()


def cmd_scrape(args):
    with urllib.request.urlopen(args.url, timeout=10) as response:
        text = response.read().decode("utf-8")
    values = {"_t_ms": time.time() * 1000} if args.stamp else {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        name = re.split(r"[{ ]", line, 1)[0]
        if name in SERIES_OF_INTEREST:
            series, value = line.rsplit(" ", 1)
            values[series] = float(value)
    json.dump(values, sys.stdout)
    print()


def cmd_json_field(args):
    print(json.load(sys.stdin)[args.field])


def cmd_metric(args):
    labels = dict(label.split("=", 1) for label in args.labels)
    print(f"{metric_sum(json.load(sys.stdin), args.name, **labels):.0f}")


def coldstart_figures(samples_path, started_ms, listening_ms):
    """From the per-second /metrics samples of a gateway started cold: when its existence filter was
    trusted, when a second's hit ratio first reached 99 %, and how the hit ratio went."""
    samples = []
    with open(samples_path) as f:
        for line in f:
            line = line.strip()
            if line:
                samples.append(json.loads(line))
    figures = {"listening_after_s": (listening_ms - started_ms) / 1000}
    trusted = [s for s in samples if metric_sum(s, "widget_gateway_key_filter_trusted") >= 1]
    if trusted:
        figures["filter_trusted_after_s"] = (trusted[0]["_t_ms"] - started_ms) / 1000
        figures["filter_build_s"] = metric_sum(trusted[-1], "widget_gateway_key_filter_build_duration_seconds")
        figures["filter_bytes"] = metric_sum(trusted[-1], "widget_gateway_key_filter_size_bytes")
    ratios = []
    for earlier, later in zip(samples, samples[1:]):
        hits = (metric_sum(later, "cache_gets_total", cache="widget_gateway_keys", result="hit")
                - metric_sum(earlier, "cache_gets_total", cache="widget_gateway_keys", result="hit"))
        misses = (metric_sum(later, "cache_gets_total", cache="widget_gateway_keys", result="miss")
                  - metric_sum(earlier, "cache_gets_total", cache="widget_gateway_keys", result="miss"))
        if hits + misses > 0:
            ratios.append(((later["_t_ms"] - listening_ms) / 1000, hits / (hits + misses)))
    figures["hit_ratio_by_second"] = [[round(t, 1), round(r, 4)] for t, r in ratios]
    reached = [t for t, r in ratios if r >= 0.99]
    figures["hit_99_after_s"] = reached[0] if reached else None
    if samples:
        figures["store_reads"] = metric_sum(samples[-1], "widget_gateway_store_requests_total")
    return figures


def wrk_result(path):
    """The RESULT line common.lua prints, as a dict."""
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            if line.startswith("RESULT "):
                return json.loads(line[len("RESULT "):])
    raise SystemExit(f"loadtool: no RESULT line in {path} (did wrk fail? see the file)")


def metric_sum(metrics, name, **labels):
    total = 0.0
    for series, value in metrics.items():
        if re.split(r"[{ ]", series, 1)[0] != name:
            continue
        if all(f'{k}="{v}"' in series for k, v in labels.items()):
            total += value
    return total


def cmd_record(args):
    first = wrk_result(args.wrk)
    row = {"scenario": args.scenario, "system": args.system, "round": args.round, "kind": args.kind,
           "connections": args.connections, "threads": args.threads}
    for key in ("rps", "requests", "duration_s", "p50_us", "p90_us", "p99_us", "p999_us", "lat_max_us",
                "err_connect", "err_read", "err_write", "err_timeout", "status_4xx_5xx",
                "paced_slots", "paced_late_slots", "paced_max_lag_ms", "late_sends", "max_send_lag_us"):
        if key in first:
            row[key] = first[key]
    if args.rate:
        row["offered_rps"] = args.rate
    if args.wrk2:
        # Two concurrent wrk runs: the first is the valid half (unknown scenario) or the paced
        # clients (flood), the second the unknown-key half or the flooding client.
        second = wrk_result(args.wrk2)
        row["valid_requests"] = first["requests"]
        row["valid_non2xx"] = first["status_4xx_5xx"]
        row["valid_p99_us"] = first["p99_us"]
        row["valid_rps"] = first["rps"]
        row["unknown_rps"] = second["rps"]
        row["rps"] = first["rps"] + second["rps"]
        row["requests"] = first["requests"] + second["requests"]
        row["valid_share"] = first["requests"] / max(1, row["requests"])
        for key in ("p50_us", "p90_us", "p99_us", "p999_us"):
            row["unknown_" + key] = second[key]
        row["unknown_status_4xx_5xx"] = second["status_4xx_5xx"]
        for key in ("err_connect", "err_read", "err_write", "err_timeout"):
            row[key] = first[key] + second[key]
    if args.wrk2:
        row["unknown_requests"] = second["requests"]
    if args.cpu_seconds is not None and row.get("requests") and "late_sends" not in first:
        # (OpenLoopLoad counts only the requests after its own warm-up, while the CPU time covers
        # the whole run: no figure for it.)
        row["server_cpu_s"] = args.cpu_seconds
        row["server_cpu_us_per_req"] = args.cpu_seconds * 1e6 / row["requests"]
    if args.samples:
        row.update(coldstart_figures(args.samples, args.started_ms, args.listening_ms))
    if args.before and args.after:
        with open(args.before) as f:
            before = json.load(f)
        with open(args.after) as f:
            after = json.load(f)

        def delta(name, **labels):
            return metric_sum(after, name, **labels) - metric_sum(before, name, **labels)

        hits = delta("cache_gets_total", cache="widget_gateway_keys", result="hit")
        misses = delta("cache_gets_total", cache="widget_gateway_keys", result="miss")
        row["cache_hits"] = hits
        row["cache_misses"] = misses
        row["cache_hit_ratio"] = hits / (hits + misses) if hits + misses > 0 else None
        reads = delta("widget_gateway_store_requests_total")
        row["store_reads"] = reads
        row["store_reads_per_s"] = reads / first["duration_s"] if first["duration_s"] else None
        row["cache_evictions"] = delta("cache_evictions_total", cache="widget_gateway_keys")
        row["cache_size_after"] = metric_sum(after, "cache_size", cache="widget_gateway_keys")
        row["filter_absent"] = delta("widget_gateway_key_filter_total", result="absent")
        row["filter_maybe"] = delta("widget_gateway_key_filter_total", result="maybe")
        if row.get("unknown_requests"):
            row["store_reads_per_unknown"] = reads / row["unknown_requests"]
        outcomes = {}
        for series in after:
            if series.startswith("widget_gateway_requests_total"):
                m = re.search(r'outcome="([^"]+)"', series)
                if m:
                    d = after[series] - before.get(series, 0.0)
                    if d:
                        outcomes[m.group(1)] = outcomes.get(m.group(1), 0) + d
        row["outcomes"] = outcomes
    print(json.dumps(row))


def fmt_us(us):
    if us is None:
        return "-"
    return f"{us / 1000:.2f}"


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


SCENARIO_TITLES = {
    "hit": "(a) cache-hit bootstrap: one key, allowed origin",
    "zipf": "(b) Zipf popularity over many valid keys",
    "unknown": "(c) random well-formed unknown keys, 50/50 with valid traffic",
    "unknown-mixed": "(c') unknown keys alternating with valid ones in one wrk: exactly 50/50, latency of all",
    "lowconn": "hit at a reduced connection count (closed loop)",
    "coldstart": "(g) cold start: a new gateway on a Redis holding the Zipf keys, under Zipf load at once",
    "invalid": "(d) checksum-invalid keys",
    "proxy": "(e) proxied requests to an upstream (BareNettyServer)",
    "paced": "(f) paced run at a fixed offered rate (latency; wrk, open-loop approximation)",
    "open": "(h) open loop at a fixed offered rate (OpenLoopLoad: latency from each request's due time, HdrHistogram)",
    "limits": "(i) hit from many client addresses behind a trusted proxy: default limits (never hit) vs none",
    "flood": "(j) one client floods a valid key while many others use it at a paced rate",
}


def cmd_report(args):
    rows = []
    with open(args.results) as f:
        for line in f:
            line = line.strip()
            if line:
                rows.append(json.loads(line))
    rows = [r for r in rows if r.get("kind") == "measure"]
    baselines = {(r["system"], r["round"]): r for r in rows if r["scenario"] == "unknown-base"}
    flood_baselines = {(r["system"], r["round"]): r for r in rows if r["scenario"] == "flood-base"}
    rows = [r for r in rows if r["scenario"] not in ("unknown-base", "flood-base")]
    out = []
    failures = []
    tsv = ["scenario\tsystem\trps\tp99_ms"]
    scenarios = []
    for r in rows:
        if r["scenario"] not in scenarios:
            scenarios.append(r["scenario"])
    for scenario in scenarios:
        srows = [r for r in rows if r["scenario"] == scenario]
        systems = []
        for r in srows:
            if r["system"] not in systems:
                systems.append(r["system"])
        rounds = max(r["round"] for r in srows)
        out.append("")
        out.append(SCENARIO_TITLES.get(scenario, scenario) + f"  [{rounds} round(s), median shown]")
        header = f"  {'system':<11} {'req/s':>10} {'(min-max)':>19} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'p99.9 ms':>9}  notes"
        out.append(header)
        summary = {}
        for system in systems:
            rs = [r for r in srows if r["system"] == system]
            rps = median([r["rps"] for r in rs])
            p = {k: median([r.get(k) for r in rs]) for k in ("p50_us", "p90_us", "p99_us", "p999_us")}
            summary[system] = {"rps": rps, **p}
            notes = []
            errors = sum(r.get("err_connect", 0) + r.get("err_read", 0) + r.get("err_write", 0)
                         + r.get("err_timeout", 0) for r in rs)
            if errors:
                notes.append(f"socket errors/timeouts {errors:.0f}")
            non2xx = sum(r.get("status_4xx_5xx", 0) for r in rs)
            total = sum(r.get("requests", 0) for r in rs)
            if scenario == "unknown":
                share = median([r.get("valid_share") for r in rs])
                notes.append(f"latency = valid half; valid share {share:.0%}")
                notes.append(f"unknown-key p99 {fmt_us(median([r.get('unknown_p99_us') for r in rs]))} ms")
                based = [(r, baselines.get((system, r["round"]))) for r in rs]
                p99_ratios = [r["p99_us"] / b["p99_us"] for r, b in based if b and b.get("p99_us")]
                if p99_ratios:
                    base_p99 = median([b["p99_us"] for _, b in based if b])
                    ratio = median(p99_ratios)
                    summary[system]["flood_p99_ratio"] = ratio
                    notes.append(f"valid p99 without the flood {fmt_us(base_p99)} ms, with it {ratio:.2f}x")
                per_unknown = median([r.get("store_reads_per_unknown") for r in rs])
                if per_unknown is not None:
                    summary[system]["reads_per_unknown"] = per_unknown
                    notes.append(f"store reads per unknown-key request {per_unknown:.4f}")
                if non2xx:
                    notes.append(f"VALID HALF HAD {non2xx:.0f} non-2xx")
            elif scenario == "flood":
                # The first wrk is the paced clients, the second the flooding one (recorded as "unknown").
                based = [(r, flood_baselines.get((system, r["round"]))) for r in rs]
                p99_ratios = [r["valid_p99_us"] / b["p99_us"] for r, b in based
                              if b and b.get("p99_us") and r.get("valid_p99_us")]
                clients = sum(r.get("valid_requests", 0) for r in rs)
                failed = sum(r.get("valid_non2xx", 0) for r in rs)
                flood_total = sum(r.get("unknown_requests", 0) for r in rs)
                flood_refused = sum(r.get("unknown_status_4xx_5xx", 0) for r in rs)
                if p99_ratios:
                    summary[system]["clients_p99_ratio"] = median(p99_ratios)
                    notes.append(f"clients' p99 alone {fmt_us(median([b['p99_us'] for _, b in based if b]))} ms, "
                                 f"beside the flood {fmt_us(median([r.get('valid_p99_us') for r in rs]))} ms "
                                 f"({median(p99_ratios):.2f}x)")
                summary[system]["clients_success"] = 1 - failed / max(1, clients)
                notes.append(f"clients' success {1 - failed / max(1, clients):.2%} of {clients:.0f}")
                notes.append(f"flood refused {flood_refused / max(1, flood_total):.1%} of {flood_total:.0f} "
                             f"({median([r.get('unknown_rps') for r in rs]):,.0f} req/s)")
            elif scenario in ("invalid", "unknown-mixed"):
                notes.append(f"4xx {non2xx / max(1, total):.0%}")
            elif non2xx:
                notes.append(f"NON-2XX {non2xx:.0f} of {total:.0f}")
            if system in GATEWAYS and any("store_reads" in r for r in rs):
                hit = median([r.get("cache_hit_ratio") for r in rs])
                reads_s = median([r.get("store_reads_per_s") for r in rs])
                if scenario != "invalid":
                    if hit is not None:
                        notes.append(f"cache hit ratio {hit:.1%} (per round: "
                                     + ", ".join(f"{r['cache_hit_ratio']:.1%}" for r in rs
                                                 if r.get("cache_hit_ratio") is not None) + ")")
                    if reads_s is not None:
                        notes.append(f"store reads {reads_s:,.0f}/s")
                if scenario == "invalid":
                    reads = sum(r.get("store_reads", 0) for r in rs)
                    hits_misses = sum(r.get("cache_hits", 0) + r.get("cache_misses", 0) for r in rs)
                    verdict = "OK" if reads == 0 else "FAIL"
                    if reads != 0:
                        failures.append(f"{system}: {reads:.0f} store reads for checksum-invalid keys")
                    notes.append(f"store reads {reads:.0f} ({verdict}: must be 0), cache lookups {hits_misses:.0f}")
            cpu = median([r.get("server_cpu_us_per_req") for r in rs])
            if cpu is not None:
                summary[system]["cpu_us"] = cpu
                notes.append(f"server CPU {cpu:.1f} µs/req")
            if scenario in ("paced", "open"):
                notes.append(f"offered {median([r.get('offered_rps') for r in rs]):,.0f}/s")
            if scenario == "paced":
                late = sum(r.get("paced_late_slots", 0) for r in rs)
                slots = sum(r.get("paced_slots", 0) for r in rs)
                lag = max(r.get("paced_max_lag_ms", 0) for r in rs)
                notes.append(f"late slots {late:.0f}/{slots:.0f}, worst lag {lag:.1f} ms"
                             + (" (coordinated omission: latency understated)" if late > 0.001 * slots else ""))
            if scenario == "open":
                late = sum(r.get("late_sends", 0) for r in rs)
                lag = max(r.get("max_send_lag_us", 0) for r in rs)
                notes.append(f"sent > 1 ms late {late:.0f}/{total:.0f}, worst {lag / 1000:.1f} ms "
                             "(counted from their due time)")
            if scenario == "coldstart":
                for field, label in (("filter_trusted_after_s", "filter trusted after"),
                                     ("filter_build_s", "its build took"), ("hit_99_after_s", "99 % hit ratio after")):
                    value = median([r.get(field) for r in rs])
                    notes.append(f"{label} {value:.1f} s" if value is not None else f"{label}: never")
                notes.append("per round: " + ", ".join(
                    f"{r.get('hit_99_after_s') if r.get('hit_99_after_s') is not None else 'never'}" for r in rs))
            lo = min(r["rps"] for r in rs)
            hi = max(r["rps"] for r in rs)
            out.append(f"  {system:<11} {rps:>10,.0f} {f'({lo:,.0f}-{hi:,.0f})':>19} {fmt_us(p['p50_us']):>8} "
                       f"{fmt_us(p['p90_us']):>8} {fmt_us(p['p99_us']):>8} {fmt_us(p['p999_us']):>9}  "
                       + "; ".join(notes))
            tsv.append(f"{scenario}\t{system}\t{rps:.1f}\t{(p['p99_us'] or 0) / 1000:.3f}")
        ratios = []
        for gateway in GATEWAYS:
            if gateway not in summary:
                continue
            for peer in ("bare-netty", "nginx"):
                if peer not in summary or not summary[peer]["rps"]:
                    continue
                g, b = summary[gateway], summary[peer]
                text = f"{gateway}/{peer}: throughput {g['rps'] / b['rps']:.2f}x"
                if g["p99_us"] and b["p99_us"]:
                    text += f", p99 {g['p99_us'] / b['p99_us']:.2f}x"
                if g.get("cpu_us") and b.get("cpu_us"):
                    text += f", CPU/req {g['cpu_us'] / b['cpu_us']:.2f}x"
                ratios.append(text)
        if ratios:
            out.append("  ratios: " + " | ".join(ratios))
        if scenario == "hit":
            out.append("  goal: throughput >= 0.95x bare-netty and >= 1.0x nginx")
        if scenario == "proxy":
            verdicts = [f"{g} {summary[g]['rps'] / summary['nginx']['rps']:.2f}x "
                        f"{'met' if summary[g]['rps'] >= 0.9 * summary['nginx']['rps'] else 'missed'}"
                        for g in GATEWAYS if g in summary and summary.get("nginx", {}).get("rps")]
            if verdicts:
                out.append("  goal: throughput >= 0.9x nginx proxy_pass: " + ", ".join(verdicts))
        if scenario == "zipf":
            hit = median([r["rps"] for r in rows if r["scenario"] == "hit" and r["system"] == "gw-redis"])
            if hit and "gw-redis" in summary:
                z = summary["gw-redis"]
                verdict = "met" if z["rps"] >= 0.85 * hit and z["p99_us"] <= 5000 else "missed"
                out.append(f"  goal: >= 0.85x the single-key hit throughput with p99 <= 5 ms: gw-redis "
                           f"{z['rps'] / hit:.2f}x of {hit:,.0f} req/s, p99 {fmt_us(z['p99_us'])} ms: {verdict}")
        if scenario == "unknown":
            verdicts = []
            for gateway in GATEWAYS:
                g = summary.get(gateway, {})
                if "flood_p99_ratio" in g and "reads_per_unknown" in g:
                    met = g["flood_p99_ratio"] <= 2 and g["reads_per_unknown"] <= 0.01
                    verdicts.append(f"{gateway} {'met' if met else 'missed'}")
            if verdicts:
                out.append("  goal: valid p99 within 2x of the run without the flood, <= 0.01 store reads per "
                           "unknown-key request: " + ", ".join(verdicts))
        if scenario == "limits" and summary.get("gw-nolimits", {}).get("rps") and "gw-limits" in summary:
            ratio = summary["gw-limits"]["rps"] / summary["gw-nolimits"]["rps"]
            out.append(f"  goal: limits configured but never hit >= 0.95x without limits: "
                       f"{ratio:.3f}x {'met' if ratio >= 0.95 else 'missed'}")
        if scenario == "flood" and "gw-limits" in summary:
            g = summary["gw-limits"]
            out.append(f"  goal: the other clients unaffected: success {g.get('clients_success', 0):.2%}, "
                       f"p99 {g.get('clients_p99_ratio', float('nan')):.2f}x of their run without the flood")
        if scenario in ("paced", "open"):
            verdicts = [f"{g} {'met' if summary[g]['p99_us'] <= 1000 else 'missed'}"
                        for g in GATEWAYS if g in summary and summary[g]["p99_us"] is not None]
            if verdicts:
                out.append("  goal: p99 <= 1 ms at 60 % of peak: " + ", ".join(verdicts))
    if failures:
        out.append("")
        out.extend("FAILED: " + failure for failure in failures)
    print("\n".join(out))
    if args.tsv:
        with open(args.tsv, "w") as f:
            f.write("\n".join(tsv) + "\n")
    if failures:
        sys.exit(3)


def cmd_line(args):
    """One recorded run as a progress line."""
    r = json.loads(args.row)
    extra = ""
    if r.get("cache_hit_ratio") is not None:
        extra += f"  hit ratio {r['cache_hit_ratio']:.1%}"
    if "store_reads" in r:
        extra += f"  store reads {r['store_reads']:.0f}"
    if r.get("status_4xx_5xx"):
        extra += f"  4xx/5xx {r['status_4xx_5xx']}"
    if "valid_share" in r:
        extra += f"  valid share {r['valid_share']:.0%}, unknown-key p99 {r['unknown_p99_us'] / 1000:.2f} ms"
    if "store_reads_per_unknown" in r:
        extra += f"  store reads per unknown-key request {r['store_reads_per_unknown']:.4f}"
    if "listening_after_s" in r:
        for field, label in (("filter_trusted_after_s", "filter trusted"), ("hit_99_after_s", "99% hits")):
            value = r.get(field)
            extra += f"  {label} {value:.1f} s" if value is not None else f"  {label}: never"
    if "paced_late_slots" in r:
        extra += f"  late slots {r['paced_late_slots']:.0f}/{r['paced_slots']:.0f}"
    errors = sum(r.get(k, 0) for k in ("err_connect", "err_read", "err_write", "err_timeout"))
    if errors:
        extra += f"  socket errors/timeouts {errors}"
    print(f"    {r['kind']:<7} {r['system']:<10} {r['rps']:>10,.0f} req/s  p50 {r['p50_us'] / 1000:.2f}  "
          f"p90 {r['p90_us'] / 1000:.2f}  p99 {r['p99_us'] / 1000:.2f}  p99.9 {r['p999_us'] / 1000:.2f} ms{extra}")


def cmd_peak(args):
    """Median req/s of a system in a scenario's measured rounds; nothing (exit 1) when absent."""
    values = []
    with open(args.results) as f:
        for line in f:
            if line.strip():
                r = json.loads(line)
                if r.get("kind") == "measure" and r["scenario"] == args.scenario and r["system"] == args.system:
                    values.append(r["rps"])
    if not values:
        sys.exit(1)
    print(f"{statistics.median(values):.0f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("ports")
    p.add_argument("n", type=int)
    p.set_defaults(func=cmd_ports)
    p = sub.add_parser("scrape")
    p.add_argument("url")
    p.add_argument("--stamp", action="store_true")
    p.set_defaults(func=cmd_scrape)
    p = sub.add_parser("metric")
    p.add_argument("name")
    p.add_argument("labels", nargs="*")
    p.set_defaults(func=cmd_metric)
    p = sub.add_parser("json-field")
    p.add_argument("field")
    p.set_defaults(func=cmd_json_field)
    p = sub.add_parser("record")
    p.add_argument("--scenario", required=True)
    p.add_argument("--system", required=True)
    p.add_argument("--round", type=int, required=True)
    p.add_argument("--kind", default="measure")
    p.add_argument("--connections", type=int)
    p.add_argument("--threads", type=int)
    p.add_argument("--rate", type=float)
    p.add_argument("--cpu-seconds", type=float)
    p.add_argument("--wrk", required=True)
    p.add_argument("--wrk2")
    p.add_argument("--before")
    p.add_argument("--after")
    p.add_argument("--samples")
    p.add_argument("--started-ms", type=float)
    p.add_argument("--listening-ms", type=float)
    p.set_defaults(func=cmd_record)
    p = sub.add_parser("line")
    p.add_argument("row")
    p.set_defaults(func=cmd_line)
    p = sub.add_parser("peak")
    p.add_argument("results")
    p.add_argument("--scenario", required=True)
    p.add_argument("--system", required=True)
    p.set_defaults(func=cmd_peak)
    p = sub.add_parser("report")
    p.add_argument("results")
    p.add_argument("--tsv")
    p.set_defaults(func=cmd_report)
    args = parser.parse_args()
    args.func(args)


if __name__ == "__main__":
    main()
