package cluster

import (
	"slices"
	"unicode"
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
	text  []byte // working copy; consumed spans are overwritten with spaces
	str   string // string(text), rebuilt after blanking
	dirty bool
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
	docnos   []string
	ents     []string
	count    [256]uint8
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

// wordTests tell the words of each kind.
var wordTests = [nWordKinds]func(string) bool{isMonthWord, isOrdinalWord, isWeekWord, isQuarterWord, isTitleWord}

// extract returns the sketch's own document numbers and its entity strings
// (sorted). title is the cleaned title; text is title + "\n" + body, NFKC
// normalised, case preserved.
func extract(title, text string) (docnos, ents []string) {
	f := scanText(text)
	return extractWork(text, []byte(text), &f)
}

// extractWork is extract with work, a copy of text it may overwrite, and
// what scanText found in text.
func extractWork(text string, work []byte, f *facts) (docnos, ents []string) {
	x := &extractor{text: work, str: text, ents: make([]string, 0, 32),
		latin: f.latin > 0, fold: f.fold, digits: f.digits, words: f.words}
	x.docNumbers()
	x.works(text)
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
// ones: the script counts of detectLang, whether lowerText changes the
// text, and the extractor's lists of digit runs and words.
type facts struct {
	han, latin int  // Han runes, ASCII letters
	upper      bool // a rune lower-cases to another (or is invalid)
	fold       bool // ſ or the Kelvin sign
	digits     []int
	words      [nWordKinds][]int
}

// scanText finds the facts of text.
func scanText(text string) facts {
	var f facts
	for i := 0; i < len(text); {
		c := text[i]
		if isHanAt(text, i) {
			f.han++
			i += 3
			continue
		}
		if c >= utf8.RuneSelf {
			r, n := utf8.DecodeRuneInString(text[i:])
			switch {
			case isHan(r):
				f.han++
			case r == 'ſ' || r == '\u212a': // Kelvin sign
				f.fold = true
			}
			f.upper = f.upper || r == utf8.RuneError || unicode.ToLower(r) != r
			i += n
			continue
		}
		if !isWordByte(c) {
			i++
			continue
		}
		j := i
		for ; j < len(text) && isWordByte(text[j]); j++ {
			switch c := text[j]; {
			case isDigitByte(c):
				if j == i || !isDigitByte(text[j-1]) {
					f.digits = append(f.digits, j)
				}
			case isASCIILetter(c):
				f.latin++
				f.upper = f.upper || c < 'a'
			}
		}
		f.classify(text[i:j], i)
		i = j
	}
	return f
}

// classify adds the word w at i to the lists of its kinds.
func (f *facts) classify(w string, i int) {
	var kinds []int
	switch c := w[0]; {
	case isDigitByte(c):
		kinds = []int{wordOrdinal}
	case c == 'Q':
		kinds = []int{wordQuarter}
	case c == 'W' || c == 'w':
		kinds = []int{wordWeek}
	case c < 'a':
		kinds = []int{wordMonth, wordOrdinal, wordTitle}
	default:
		kinds = []int{wordOrdinal}
	}
	for _, k := range kinds {
		if wordTests[k](w) {
			f.words[k] = append(f.words[k], i)
		}
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

// blank overwrites text[i:j] with spaces.
func (x *extractor) blank(i, j int) {
	for k := i; k < j; k++ {
		x.text[k] = ' '
	}
	if j <= i {
		return
	}
	x.dirty = true
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

// current returns the working text.
func (x *extractor) current() string {
	if x.dirty {
		x.str, x.dirty = string(x.text), false
	}
	if x.unsorted {
		slices.Sort(x.digits)
		x.digits = slices.Compact(x.digits)
		for k, ws := range x.words {
			slices.Sort(ws)
			x.words[k] = slices.Compact(ws)
		}
		x.unsorted = false
	}
	return x.str
}
