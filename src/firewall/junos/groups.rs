//! Configuration groups: `groups G { … }` holds configuration that `apply-groups G` copies
//! into the place it is written (or the whole configuration, at the top level). Statements
//! written in place win over inherited ones; `<pattern>` wildcards in a group match the
//! words already present (`interfaces <ge-*> unit <*> …`).

use super::tree::Node;

/// Most nodes inheritance may visit in a file, so groups applied in many places cannot
/// exhaust memory.
const MAX_MERGES: usize = 1_000_000;

/// Copies the content of applied groups into the tree.
pub(crate) fn inherit(root: &mut Node) {
    let Some(groups) = root.child("groups").cloned() else {
        return;
    };
    let mut sites = Vec::new();
    for c in root.kids().filter(|c| c.word != "groups") {
        collect(c, &mut vec![c.word.clone()], &mut sites);
    }
    if let Some(ag) = root.child("apply-groups") {
        sites.push((Vec::new(), ag.kids().map(|g| g.word.clone()).collect()));
    }
    let mut budget = MAX_MERGES;
    for (path, names) in sites {
        for name in names {
            let Some(group) = groups.child(&name) else {
                continue;
            };
            let mut srcs = vec![group];
            for w in &path {
                srcs = srcs
                    .into_iter()
                    .flat_map(|n| n.kids().filter(|c| c.word == *w || wildcard(&c.word, w)))
                    .collect();
            }
            if let Some(dst) = find_mut(root, &path) {
                for s in srcs {
                    merge(dst, s, &mut budget);
                }
            }
        }
    }
}

/// Paths (below the root) that carry `apply-groups`, with the group names.
fn collect(node: &Node, path: &mut Vec<String>, out: &mut Vec<(Vec<String>, Vec<String>)>) {
    if let Some(ag) = node.child("apply-groups") {
        out.push((path.clone(), ag.kids().map(|g| g.word.clone()).collect()));
    }
    for c in node.kids().filter(|c| c.word != "apply-groups") {
        path.push(c.word.clone());
        collect(c, path, out);
        path.pop();
    }
}

fn find_mut<'a>(root: &'a mut Node, path: &[String]) -> Option<&'a mut Node> {
    let mut cur = root;
    for w in path {
        cur = cur.children.iter_mut().find(|c| c.word == *w)?;
    }
    Some(cur)
}

fn merge(dst: &mut Node, src: &Node, budget: &mut usize) {
    for c in src.kids() {
        if *budget == 0 {
            return;
        }
        *budget -= 1;
        if c.word == "apply-groups" || c.word == "apply-groups-except" {
            continue;
        }
        if is_wildcard(&c.word) {
            for d in dst
                .children
                .iter_mut()
                .filter(|d| wildcard(&c.word, &d.word))
            {
                merge(d, c, budget);
            }
        } else if let Some(d) = dst.children.iter_mut().find(|d| d.word == c.word) {
            merge(d, c, budget);
        } else {
            *budget = budget.saturating_sub(size(c));
            dst.children.push(without_wildcards(c));
        }
    }
}

fn size(n: &Node) -> usize {
    1 + n.children.iter().map(size).sum::<usize>()
}

/// A copy without wildcard children: with nothing in place to match, they match nothing.
fn without_wildcards(n: &Node) -> Node {
    let mut copy = n.clone_shallow();
    copy.children = n
        .children
        .iter()
        .filter(|c| !is_wildcard(&c.word))
        .map(without_wildcards)
        .collect();
    copy
}

fn is_wildcard(w: &str) -> bool {
    w.len() >= 2 && w.starts_with('<') && w.ends_with('>')
}

/// Whether `word` matches the group wildcard `pattern` (`<*>`, `<ge-*>`, `<em[0,1]>`).
pub(crate) fn wildcard(pattern: &str, word: &str) -> bool {
    let Some(inner) = pattern.strip_prefix('<').and_then(|p| p.strip_suffix('>')) else {
        return false;
    };
    glob(&pattern_tokens(inner), &word.chars().collect::<Vec<_>>())
}

/// One element of a wildcard pattern.
enum Pat {
    Star,
    Any,
    Class {
        ranges: Vec<(char, char)>,
        negate: bool,
    },
    Lit(char),
}

fn pattern_tokens(p: &str) -> Vec<Pat> {
    let chars: Vec<char> = p.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        i += 1;
        out.push(match c {
            '*' => Pat::Star,
            '?' => Pat::Any,
            '[' => match chars
                .get(i..)
                .and_then(|r| r.iter().position(|c| *c == ']'))
            {
                Some(len) => {
                    let class = chars.get(i..i + len).unwrap_or_default();
                    i += len + 1;
                    let (negate, class) = match class.split_first() {
                        Some(('!' | '^', rest)) => (true, rest),
                        _ => (false, class),
                    };
                    let mut ranges = Vec::new();
                    let mut k = 0;
                    while let Some(&a) = class.get(k) {
                        match (class.get(k + 1), class.get(k + 2)) {
                            (Some('-'), Some(&b)) => {
                                ranges.push((a, b));
                                k += 3;
                            }
                            _ => {
                                ranges.push((a, a));
                                k += 1;
                            }
                        }
                    }
                    Pat::Class { ranges, negate }
                }
                None => Pat::Lit('['),
            },
            c => Pat::Lit(c),
        });
    }
    out
}

/// Whether the word matches the pattern, by dynamic programming over (pattern, word)
/// prefixes: linear in their product, whatever the number of `*`.
fn glob(p: &[Pat], w: &[char]) -> bool {
    // row[j]: the pattern so far matches the first j characters of the word.
    let mut row = vec![false; w.len() + 1];
    if let Some(first) = row.first_mut() {
        *first = true;
    }
    for t in p {
        let mut next = vec![false; w.len() + 1];
        match t {
            Pat::Star => {
                let mut seen = false;
                for (j, slot) in next.iter_mut().enumerate() {
                    seen |= row.get(j).copied().unwrap_or(false);
                    *slot = seen;
                }
            }
            _ => {
                for (j, c) in w.iter().enumerate() {
                    let ok = match t {
                        Pat::Any => true,
                        Pat::Lit(l) => l == c,
                        Pat::Class { ranges, negate } => {
                            ranges.iter().any(|(a, b)| a <= c && c <= b) != *negate
                        }
                        Pat::Star => false,
                    };
                    if ok && row.get(j).copied().unwrap_or(false) {
                        if let Some(slot) = next.get_mut(j + 1) {
                            *slot = true;
                        }
                    }
                }
            }
        }
        row = next;
    }
    row.last().copied().unwrap_or(false)
}
