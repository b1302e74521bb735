// Segments text with an SRX file using Java's own regex engine, to check that an SRX file (for
// example the one `align segment --export-srx` writes) is valid Java and splits as Nazir does.
//
//   java scripts/SrxCheck.java RULES.srx LANG INPUT.txt > java.txt
//   align segment INPUT.txt --lang LANG --srx RULES.srx > rust.txt && diff java.txt rust.txt
//
// INPUT: paragraphs separated by blank lines. Output: one segment per line (trimmed), a blank
// line between paragraphs, as `align segment` prints. Matching follows the semantics Nazir's SRX
// engine documents (OmegaT's): beforebreak found without overlaps, the afterbreak match found in
// sequence must start where it ends, the first rule in document order decides a position; maps
// are matched against the whole language code; a header without `cascade` cascades.
// Exit status 1 and the rule's position if a pattern does not compile in Java.

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

public class SrxCheck {
    record Rule(boolean isBreak, Pattern before, Pattern after) {}

    static String childText(Element rule, String tag) {
        NodeList l = rule.getElementsByTagNameNS("*", tag);
        return l.getLength() == 0 ? "" : l.item(0).getTextContent();
    }

    public static void main(String[] args) throws Exception {
        var factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        Document doc = factory.newDocumentBuilder().parse(Path.of(args[0]).toFile());
        String lang = args[1];
        NodeList headers = doc.getElementsByTagNameNS("*", "header");
        boolean cascade = true;
        if (headers.getLength() > 0) {
            String c = ((Element) headers.item(0)).getAttribute("cascade");
            cascade = c.isEmpty() || c.trim().equalsIgnoreCase("yes");
        }
        List<Rule> rules = new ArrayList<>();
        List<String> taken = new ArrayList<>();
        NodeList maps = doc.getElementsByTagNameNS("*", "languagemap");
        NodeList languageRules = doc.getElementsByTagNameNS("*", "languagerule");
        for (int m = 0; m < maps.getLength(); m++) {
            Element map = (Element) maps.item(m);
            if (!Pattern.matches(map.getAttribute("languagepattern"), lang)) {
                continue;
            }
            String name = map.getAttribute("languagerulename");
            if (!taken.contains(name)) {
                taken.add(name);
                for (int k = 0; k < languageRules.getLength(); k++) {
                    Element lr = (Element) languageRules.item(k);
                    if (!lr.getAttribute("languagerulename").equals(name)) {
                        continue;
                    }
                    NodeList rs = lr.getElementsByTagNameNS("*", "rule");
                    for (int r = 0; r < rs.getLength(); r++) {
                        Element rule = (Element) rs.item(r);
                        String before = childText(rule, "beforebreak");
                        String after = childText(rule, "afterbreak");
                        try {
                            rules.add(new Rule(
                                    !rule.getAttribute("break").trim().equalsIgnoreCase("no"),
                                    before.isEmpty() ? null : Pattern.compile(before),
                                    after.isEmpty() ? null : Pattern.compile(after)));
                        } catch (PatternSyntaxException e) {
                            System.err.println("languagerule \"" + name + "\", rule " + (r + 1) + ": " + e.getMessage());
                            System.exit(1);
                        }
                    }
                }
            }
            if (!cascade) {
                break;
            }
        }
        String input = Files.readString(Path.of(args[2]), StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder();
        boolean first = true;
        for (String para : input.split("\\n\\s*\\n")) {
            String text = para.strip();
            if (text.isEmpty()) {
                continue;
            }
            if (!first) {
                out.append('\n');
            }
            first = false;
            for (String s : segment(rules, text)) {
                out.append(s.replace('\n', ' ')).append('\n');
            }
        }
        System.out.print(out);
    }

    static List<String> segment(List<Rule> rules, String text) {
        TreeMap<Integer, Boolean> decided = new TreeMap<>();
        for (Rule rule : rules) {
            Matcher after = rule.after() == null ? null : rule.after().matcher(text);
            int afterStart = -1;
            boolean afterDone = false;
            List<Integer> ends = new ArrayList<>();
            if (rule.before() == null) {
                for (int i = 0; i < text.length(); i += Character.charCount(text.codePointAt(i))) {
                    ends.add(i + Character.charCount(text.codePointAt(i)));
                }
            } else {
                Matcher b = rule.before().matcher(text);
                while (b.find()) {
                    ends.add(b.end());
                }
            }
            for (int pos : ends) {
                if (pos <= 0 || pos >= text.length()) {
                    continue;
                }
                boolean ok = true;
                if (after != null) {
                    while (!afterDone && afterStart < pos) {
                        if (after.find()) {
                            afterStart = after.start();
                        } else {
                            afterDone = true;
                        }
                    }
                    ok = afterStart == pos;
                }
                if (ok) {
                    decided.putIfAbsent(pos, rule.isBreak());
                }
            }
        }
        List<String> segments = new ArrayList<>();
        int start = 0;
        for (var e : decided.entrySet()) {
            if (e.getValue()) {
                add(segments, text.substring(start, e.getKey()));
                start = e.getKey();
            }
        }
        add(segments, text.substring(start));
        return segments;
    }

    static void add(List<String> segments, String s) {
        String t = s.strip();
        if (!t.isEmpty()) {
            segments.add(t);
        }
    }
}
