package dev.widgetedge.benchmarks.load;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;

/**
 * Draws the load harness's summary as a PNG (headless AWT, no plotting library): two grouped bar
 * charts, throughput (requests/s) and p99 latency (ms), one group per scenario, one bar per
 * system. Input: the TSV {@code loadtool.py report --tsv} writes ({@code scenario system rps p99_ms},
 * with a header line).
 *
 * <pre>{@code
 * java -Djava.awt.headless=true -cp benchmarks/target/benchmarks.jar \
 *     dev.widgetedge.benchmarks.load.LoadPlot summary.tsv load.png ["title"]
 * }</pre>
 */
public final class LoadPlot {

    private static final Color[] PALETTE = {
        new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728),
        new Color(0x9467bd), new Color(0x8c564b)};

    private LoadPlot() {
    }

    public static void main(String[] args) throws IOException {
        System.setProperty("java.awt.headless", "true");
        if (args.length < 2) {
            System.err.println("usage: LoadPlot SUMMARY.tsv OUT.png [TITLE]");
            System.exit(2);
        }
        List<String[]> rows = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(args[0]))) {
            String[] cells = line.split("\t");
            if (cells.length == 4 && !cells[0].equals("scenario")) {
                rows.add(cells);
            }
        }
        Set<String> scenarios = new LinkedHashSet<>();
        Set<String> systems = new LinkedHashSet<>();
        Map<String, double[]> values = new LinkedHashMap<>();
        for (String[] row : rows) {
            scenarios.add(row[0]);
            systems.add(row[1]);
            values.put(row[0] + "\t" + row[1], new double[] {Double.parseDouble(row[2]), Double.parseDouble(row[3])});
        }
        String title = args.length > 2 ? args[2] : "widget-edge load harness";
        BufferedImage image = draw(title, new ArrayList<>(scenarios), new ArrayList<>(systems), values);
        ImageIO.write(image, "png", Path.of(args[1]).toFile());
        System.out.println("wrote " + args[1]);
    }

    static BufferedImage draw(String title, List<String> scenarios, List<String> systems, Map<String, double[]> values) {
        int width = Math.max(900, 140 + scenarios.size() * (systems.size() * 26 + 40));
        int panelHeight = 330;
        int height = 70 + 2 * panelHeight + 60;
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString(title, 20, 28);

        // Legend.
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        int x = 20;
        for (int i = 0; i < systems.size(); i++) {
            g.setColor(PALETTE[i % PALETTE.length]);
            g.fillRect(x, 42, 12, 12);
            g.setColor(Color.BLACK);
            g.drawString(systems.get(i), x + 16, 53);
            x += 30 + g.getFontMetrics().stringWidth(systems.get(i));
        }

        panel(g, "throughput (requests/s, higher is better)", 70, panelHeight, width, scenarios, systems, values, 0);
        panel(g, "p99 latency (ms, lower is better)", 70 + panelHeight, panelHeight, width, scenarios, systems,
                values, 1);
        g.dispose();
        return image;
    }

    private static void panel(Graphics2D g, String label, int top, int panelHeight, int width, List<String> scenarios,
            List<String> systems, Map<String, double[]> values, int index) {
        int left = 80;
        int right = width - 20;
        int plotTop = top + 30;
        int plotBottom = top + panelHeight - 40;
        double max = 0;
        for (double[] v : values.values()) {
            max = Math.max(max, v[index]);
        }
        max = niceCeiling(max);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        g.setColor(Color.BLACK);
        g.drawString(label, left, top + 18);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        FontMetrics metrics = g.getFontMetrics();
        // Grid and axis labels.
        for (int i = 0; i <= 5; i++) {
            double value = max * i / 5;
            int y = plotBottom - (int) Math.round((plotBottom - plotTop) * (i / 5.0));
            g.setColor(new Color(0xdddddd));
            g.setStroke(new BasicStroke(1));
            g.drawLine(left, y, right, y);
            g.setColor(Color.DARK_GRAY);
            String text = index == 0 ? String.format(Locale.ROOT, "%,.0f", value) : String.format(Locale.ROOT, "%.2f", value);
            g.drawString(text, left - 6 - metrics.stringWidth(text), y + 4);
        }
        int groupWidth = (right - left) / Math.max(1, scenarios.size());
        int barWidth = Math.max(6, Math.min(26, (groupWidth - 20) / Math.max(1, systems.size())));
        for (int s = 0; s < scenarios.size(); s++) {
            int groupLeft = left + s * groupWidth + (groupWidth - barWidth * systems.size()) / 2;
            for (int k = 0; k < systems.size(); k++) {
                double[] v = values.get(scenarios.get(s) + "\t" + systems.get(k));
                if (v == null) {
                    continue;
                }
                int barHeight = max == 0 ? 0 : (int) Math.round((plotBottom - plotTop) * v[index] / max);
                g.setColor(PALETTE[k % PALETTE.length]);
                g.fillRect(groupLeft + k * barWidth, plotBottom - barHeight, barWidth - 2, barHeight);
            }
            g.setColor(Color.BLACK);
            String name = scenarios.get(s);
            g.drawString(name, left + s * groupWidth + (groupWidth - metrics.stringWidth(name)) / 2, plotBottom + 16);
        }
        g.setColor(Color.BLACK);
        g.drawLine(left, plotBottom, right, plotBottom);
    }

    private static double niceCeiling(double value) {
        if (value <= 0) {
            return 1;
        }
        double magnitude = Math.pow(10, Math.floor(Math.log10(value)));
        for (double step : new double[] {1, 2, 2.5, 5, 10}) {
            if (step * magnitude >= value) {
                return step * magnitude;
            }
        }
        return 10 * magnitude;
    }
}
