// tlogcheck: an outside check of a brightline ledger, written against Go's own transparency-log
// packages (golang.org/x/mod/sumdb/note and golang.org/x/mod/sumdb/tlog, from Debian's
// golang-golang-x-mod-dev), not against brightline's code.
//
// Usage: tlogcheck PREFIX VKEY INDEX [OLDSIZE OLDROOT] [PROOF]
//
//	PREFIX   the log's tlog-tiles URL prefix (http://host/ledger)
//	VKEY     the log's signed-note verifier key
//	INDEX    an entry to prove included
//	OLDSIZE OLDROOT (optional, "-" to skip)  an older tree to prove the new one consistent with
//	PROOF    (optional) brightline's own inclusion proof for INDEX at the checkpoint's size, as
//	         comma-separated hex hashes, to be checked by tlog.CheckRecord too
//
// It verifies the checkpoint's signature (note.Open), reads tiles through tlog.TileHashReader
// (which authenticates every tile against the signed root), recomputes the root
// (tlog.TreeHash), proves and checks the entry's inclusion (tlog.ProveRecord, tlog.CheckRecord)
// with the leaf hash of its entry-bundle bytes (tlog.RecordHash), and optionally checks
// consistency with an older tree (tlog.ProveTree, tlog.CheckTree). Prints "OK ..." lines; any
// failure exits 1 with the reason.
package main

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

func fail(format string, args ...interface{}) {
	fmt.Printf("FAIL "+format+"\n", args...)
	os.Exit(1)
}

func get(url string) []byte {
	resp, err := http.Get(url)
	if err != nil {
		fail("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != 200 {
		fail("GET %s: status %d %v", url, resp.StatusCode, err)
	}
	return body
}

// c2spPath turns a sumdb tile path (tile/8/L/NNN[.p/W]) into the C2SP one (tile/L/NNN[.p/W]).
func c2spPath(t tlog.Tile) string {
	return "tile/" + strings.TrimPrefix(t.Path(), "tile/8/")
}

type tiles struct{ prefix string }

func (r tiles) Height() int { return 8 }

func (r tiles) ReadTiles(ts []tlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(ts))
	for i, t := range ts {
		out[i] = get(r.prefix + "/" + c2spPath(t))
	}
	return out, nil
}

func (r tiles) SaveTiles(ts []tlog.Tile, data [][]byte) {}

func entry(prefix string, index, size int64) []byte {
	n := index / 256
	width := size - n*256
	path := fmt.Sprintf("tile/entries/%s", strings.TrimPrefix(tlog.Tile{H: 8, L: 0, N: n, W: 256}.Path(), "tile/8/0/"))
	if width < 256 {
		path = strings.TrimSuffix(path, fmt.Sprintf(".p/%d", 256)) + fmt.Sprintf(".p/%d", width)
	}
	bundle := get(prefix + "/" + path)
	at := 0
	for i := int64(0); at+2 <= len(bundle); i++ {
		length := int(bundle[at])<<8 | int(bundle[at+1])
		if at+2+length > len(bundle) {
			fail("entry bundle %s is cut short", path)
		}
		if n*256+i == index {
			return bundle[at+2 : at+2+length]
		}
		at += 2 + length
	}
	fail("entry %d is not in bundle %s", index, path)
	return nil
}

func main() {
	if len(os.Args) < 4 {
		fail("usage: tlogcheck PREFIX VKEY INDEX [OLDSIZE OLDROOT] [PROOF]")
	}
	prefix, vkey := strings.TrimRight(os.Args[1], "/"), os.Args[2]
	index, err := strconv.ParseInt(os.Args[3], 10, 64)
	if err != nil {
		fail("bad index: %v", err)
	}

	verifier, err := note.NewVerifier(vkey)
	if err != nil {
		fail("bad vkey: %v", err)
	}
	msg := get(prefix + "/checkpoint")
	n, err := note.Open(msg, note.VerifierList(verifier))
	if err != nil {
		fail("checkpoint signature: %v", err)
	}
	lines := strings.Split(n.Text, "\n")
	if len(lines) < 4 {
		fail("checkpoint has %d lines", len(lines))
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil {
		fail("checkpoint size: %v", err)
	}
	rootBytes, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(rootBytes) != tlog.HashSize {
		fail("checkpoint root: %v", err)
	}
	var root tlog.Hash
	copy(root[:], rootBytes)
	fmt.Printf("OK checkpoint of %s signed by %s: size %d root %s\n", lines[0], verifier.Name(), size, hex.EncodeToString(root[:]))

	tree := tlog.Tree{N: size, Hash: root}
	reader := tlog.TileHashReader(tree, tiles{prefix})
	computed, err := tlog.TreeHash(size, reader)
	if err != nil {
		fail("tree hash from tiles: %v", err)
	}
	if computed != root {
		fail("tiles make root %s, checkpoint says %s", hex.EncodeToString(computed[:]), hex.EncodeToString(root[:]))
	}
	fmt.Printf("OK tiles authenticated against the signed root\n")

	leaf := tlog.RecordHash(entry(prefix, index, size))
	proof, err := tlog.ProveRecord(size, index, reader)
	if err != nil {
		fail("inclusion proof from tiles: %v", err)
	}
	if err := tlog.CheckRecord(proof, size, root, index, leaf); err != nil {
		fail("inclusion of entry %d: %v", index, err)
	}
	fmt.Printf("OK entry %d (leaf %s) included, proof of %d hashes from tiles\n", index, hex.EncodeToString(leaf[:]), len(proof))

	args := os.Args[4:]
	if len(args) >= 2 && args[0] != "-" {
		oldSize, err := strconv.ParseInt(args[0], 10, 64)
		if err != nil {
			fail("bad old size: %v", err)
		}
		raw, err := hex.DecodeString(args[1])
		if err != nil || len(raw) != tlog.HashSize {
			fail("bad old root")
		}
		var old tlog.Hash
		copy(old[:], raw)
		tp, err := tlog.ProveTree(size, oldSize, reader)
		if err != nil {
			fail("consistency proof from tiles: %v", err)
		}
		if err := tlog.CheckTree(tp, size, root, oldSize, old); err != nil {
			fail("consistency with size %d: %v", oldSize, err)
		}
		fmt.Printf("OK size %d is consistent with the older size %d\n", size, oldSize)
	}
	if len(args) == 1 || len(args) == 3 {
		var ours tlog.RecordProof
		for _, h := range strings.Split(args[len(args)-1], ",") {
			raw, err := hex.DecodeString(h)
			if err != nil || len(raw) != tlog.HashSize {
				fail("bad proof hash %q", h)
			}
			var hash tlog.Hash
			copy(hash[:], raw)
			ours = append(ours, hash)
		}
		if err := tlog.CheckRecord(ours, size, root, index, leaf); err != nil {
			fail("brightline's own inclusion proof: %v", err)
		}
		fmt.Printf("OK brightline's inclusion proof for entry %d verifies\n", index)
	}
}
