# Generate realistic package names from a pkg-vulnerabilities list: for every
# entry, the base names its pattern names (alternatives expanded) with the
# versions its bounds mention, each exactly, one step below and above, and
# with an nb revision -- the near misses where a matcher goes wrong.
# Usage: awk -v n=10000 -f genpkgs.awk LIST   (deterministic order)

# expand(s): append the brace-free spellings of s to leaves[]
function expand(s,    o, i, c, depth, cl, pre, suf, body, start) {
	o = index(s, "{")
	if (o == 0) { leaves[++nleaves] = s; return }
	depth = 0; cl = 0
	for (i = o; i <= length(s); i++) {
		c = substr(s, i, 1)
		if (c == "{") depth++
		else if (c == "}" && --depth == 0) { cl = i; break }
	}
	if (!cl) return
	pre = substr(s, 1, o - 1); suf = substr(s, cl + 1)
	body = substr(s, o + 1, cl - o - 1)
	depth = 0; start = 1
	for (i = 1; i <= length(body) + 1; i++) {
		c = i <= length(body) ? substr(body, i, 1) : ","
		if (c == "{") depth++
		else if (c == "}") depth--
		else if (c == "," && depth == 0) {
			expand(pre substr(body, start, i - start) suf)
			start = i + 1
		}
	}
}

# bump(v, d): v with its last number changed by d (not below 0)
function bump(v, d,    m, num) {
	if (!match(v, /[0-9]+[^0-9]*$/)) return v
	num = substr(v, RSTART) + 0
	if (num + d < 0) return v
	return substr(v, 1, RSTART - 1) (num + d)
}

function emit(name) {
	if (!(name in seen)) { seen[name] = 1; names[++nnames] = name }
}

function versions_of(base, rest,    k, parts, v) {
	k = split(rest, parts, /[<>=]+/)
	for (v = 1; v <= k; v++) {
		if (parts[v] == "") continue
		emit(base "-" parts[v])
		emit(base "-" bump(parts[v], -1))
		emit(base "-" bump(parts[v], 1))
		emit(base "-" parts[v] "nb1")
	}
}

/^#/ || NF < 3 { next }
{
	nleaves = 0
	expand($1)
	for (l = 1; l <= nleaves; l++) {
		leaf = leaves[l]
		if (match(leaf, /[<>]/)) {
			versions_of(substr(leaf, 1, RSTART - 1), substr(leaf, RSTART))
		} else if (match(leaf, /-\[0-9\]\*$/)) {
			emit(substr(leaf, 1, RSTART - 1) "-1.0")
			emit(substr(leaf, 1, RSTART - 1) "-2.5nb3")
		} else if (leaf !~ /[][*?]/ && leaf ~ /-[0-9]/) {
			emit(leaf)
		}
	}
}

END {
	srand(1)
	for (i = nnames; i > 1; i--) {      # deterministic shuffle
		j = int(rand() * i) + 1
		t = names[i]; names[i] = names[j]; names[j] = t
	}
	limit = n ? n : nnames
	# cycle with a suffix when more names are asked for than the list yields
	for (i = 0; i < limit; i++) {
		name = names[i % nnames + 1]
		if (i >= nnames) name = name "nb" int(i / nnames)
		print name
	}
}
