package cluster

import (
	"slices"
	"unicode/utf8"
)

// Entity strings in a Sketch are "kind:value":
//
//	d:05-27        a calendar date, month 00 when the text gives the day only (27日)
//	y:2021         a year
//	o:次:3         an ordinal with its classifier (第三次 and "third meeting" are both o:次:3)
//	n:1200亿       a number with its unit (plain integers below 10 are ignored)
//	p:yongchuan    a place from the built-in gazetteer, in either language
//	h:黄强         a person named after an official title (省长黄强, Governor Huang Qiang)
//	w:…            a document or work named in 《》
//	e:forum        a kind of event, in either language
//
// Document numbers are kept apart, in Sketch.DocNumbers.

// Caps on the entities kept per kind, in order of appearance; kinds with
// no cap are never kept.
var entityCaps = [256]int{'d': 8, 'y': 6, 'o': 8, 'n': 16, 'p': 16, 'h': 8, 'w': 8, 'e': 6}

// extractor collects entities from one text, blanking what it has used so
// that a date is not also counted as numbers.
type extractor struct {
	// text is the working text: consumed spans are overwritten with
	// spaces. A pass reads it (current) and blanks what its matches used
	// only at its end (blankPending), so that each match of a pass sees
	// the text as it was when the pass started.
	text  []byte
	latin bool // text has ASCII letters: run the English patterns
	// fold is set when the text has ſ or the Kelvin sign, which
	// case-insensitive patterns match as s and k: the scans that assume
	// ASCII-only case folding give way to the regexps (NFKC text never
	// has them).
	fold bool
	// digits holds where runs of digits start, ascending, and words,
	// by kind, where the words of ASCII word characters [0-9A-Za-z_]
	// that an English pattern can start with start (see classify).
	// Blanking cuts a run or word short, or starts one right after the
	// blank: the start of a word cut short and a start after a blank are
	// added to every list, and entries are checked against the current
	// text when used.
	digits   []int
	words    [nWordKinds][]int
	unsorted bool
	marks    []mark // see facts; blanking only removes marks
	// pending are the spans to blank once the current pass has read its
	// matches, in order.
	pending [][2]int
	// ints holds the submatches of the last match (see match).
	ints   []int
	docnos []string
	ents   []string
	count  [256]uint8
}

// Kinds of word for the English patterns.
const (
	wordMonth = iota
	wordOrdinal
	wordWeek
	wordQuarter
	wordTitle
	nWordKinds
)

// isKind reports whether w is a word of kind k.
func isKind(k int, w []byte) bool {
	switch k {
	case wordMonth:
		return isMonthWord(w)
	case wordOrdinal:
		return isOrdinalWord(w)
	case wordWeek:
		return isWeekWord(w)
	case wordQuarter:
		return isQuarterWord(w)
	case wordTitle:
		return isTitleWord(w)
	}
	return false
}

// extractWork returns the sketch's own document numbers and its entity
// strings (sorted) from work, the cleaned title + "\n" + body, NFKC
// normalised, case preserved, which it overwrites, given what scanText
// found in it.
func extractWork(work []byte, f *facts) (docnos, ents []string) {
	x := &extractor{text: work, ents: make([]string, 0, 16),
		latin: f.latin > 0, fold: f.fold, digits: f.digits, words: f.words, marks: f.marks}
	x.works() // reads the text only: before anything is blanked
	x.docNumbers()
	x.dates()
	x.ordinals()
	x.years()
	x.names()
	x.numbers()
	if len(x.ents) == 0 {
		return x.docnos, nil
	}
	slices.Sort(x.ents)
	return x.docnos, x.ents
}

// facts are what one pass over the text (scanText) finds for the later
// ones: the script counts of detectLang and the extractor's lists of
// digit runs, words and marks.
type facts struct {
	han, latin int  // Han runes, ASCII letters
	fold       bool // ſ or the Kelvin sign
	digits     []int
	words      [nWordKinds][]int
	// marks are the runes a pass looks for (markRunes, and the brackets
	// [ ( {), in order.
	marks []mark
}

// mark is a rune of facts.marks and where it starts.
type mark struct {
	at int32
	r  rune
}

// markRunes are the non-ASCII runes of facts.marks: 第 (ordinals), 季
// (zhQuarters), 号 and the brackets 〔 【 (docNumbers), 《 (works), and
// the first runes of people's titles and of the gazetteer's Chinese names
// (nameStarts, names), when the next rune may be their second (namePairs).
var markRunes, litRunes = func() (marks, lits runeSet) {
	for _, r := range "第季号〔【《" {
		lits.add(r)
	}
	marks = lits
	for i, w := range nameStarts {
		marks[i] |= w
	}
	return marks, lits
}()

// isMark reports whether the rune r of markRunes at text[i:] is a mark:
// a literal, or a name's first rune followed by what may be its second.
func isMark(text []byte, i int, r rune) bool {
	if litRunes.has(r) {
		return true
	}
	_, n := decodeRune(text[i:])
	r2, _ := decodeRune(text[i+n:])
	return namePairs.has(r, r2)
}

// scanText finds the facts of text.
func scanText(text []byte) facts {
	var f facts
	for i := 0; i < len(text); {
		c := text[i]
		if c >= utf8.RuneSelf {
			if isHanAt(text, i) {
				f.han++
				if r := hanRune(text, i); markRunes.has(r) && isMark(text, i, r) {
					f.marks = append(f.marks, mark{int32(i), r})
				}
				i += 3
				continue
			}
			r, n := decodeRune(text[i:])
			switch {
			case isHan(r):
				f.han++
			case r == 'ſ' || r == '\u212a': // Kelvin sign
				f.fold = true
			}
			if markRunes.has(r) && isMark(text, i, r) {
				f.marks = append(f.marks, mark{int32(i), r})
			}
			i += n
			continue
		}
		if !isWordByte(c) {
			if c == '[' || c == '(' || c == '{' {
				f.marks = append(f.marks, mark{int32(i), rune(c)})
			}
			i++
			continue
		}
		j := i
		for digit := false; j < len(text); j++ {
			k := byteClass[text[j]]
			if k == 0 {
				break
			}
			if k == classDigit && !digit {
				f.digits = append(f.digits, j)
			}
			if k == classLetter {
				f.latin++
			}
			digit = k == classDigit
		}
		f.classify(text[i:j], i)
		i = j
	}
	return f
}

// classify adds the word w at i to the lists of its kinds.
func (f *facts) classify(w []byte, i int) {
	switch c := w[0]; {
	case isDigitByte(c):
		f.addWord(wordOrdinal, w, i)
	case c == 'Q':
		f.addWord(wordQuarter, w, i)
	case c == 'W' || c == 'w':
		f.addWord(wordWeek, w, i)
	case c < 'a':
		f.addWord(wordMonth, w, i)
		f.addWord(wordOrdinal, w, i)
		f.addWord(wordTitle, w, i)
	default:
		f.addWord(wordOrdinal, w, i)
	}
}

// addWord adds the word w at i to the list of kind k if it is of that
// kind.
func (f *facts) addWord(k int, w []byte, i int) {
	if isKind(k, w) {
		f.words[k] = append(f.words[k], i)
	}
}

// add records one entity string unless seen or over its kind's cap.
func (x *extractor) add(e string) {
	if int(x.count[e[0]]) >= entityCaps[e[0]] || slices.Contains(x.ents, e) {
		return
	}
	x.count[e[0]]++
	x.ents = append(x.ents, e)
}

// blankLater schedules text[i:j] for blankPending to blank.
func (x *extractor) blankLater(i, j int) { x.pending = append(x.pending, [2]int{i, j}) }

// blank overwrites text[i:j] with spaces.
func (x *extractor) blank(i, j int) {
	for k := i; k < j; k++ {
		x.text[k] = ' '
	}
	if j <= i {
		return
	}
	if i > 0 && isWordByte(x.text[i-1]) { // a word cut short
		w := i - 1
		for w > 0 && isWordByte(x.text[w-1]) {
			w--
		}
		x.addWord(w)
	}
	if j < len(x.text) {
		if isDigitByte(x.text[j]) {
			x.digits, x.unsorted = append(x.digits, j), true
		}
		if isWordByte(x.text[j]) {
			x.addWord(j)
		}
	}
}

// addWord adds a word start to every list.
func (x *extractor) addWord(i int) {
	for k := range x.words {
		x.words[k] = append(x.words[k], i)
	}
	x.unsorted = true
}

// current returns the working text, its lists in order.
func (x *extractor) current() []byte {
	if x.unsorted {
		slices.Sort(x.digits)
		x.digits = slices.Compact(x.digits)
		for k, ws := range x.words {
			slices.Sort(ws)
			x.words[k] = slices.Compact(ws)
		}
		x.unsorted = false
	}
	return x.text
}
