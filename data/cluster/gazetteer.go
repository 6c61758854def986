package cluster

import "strings"

// place is one gazetteer entry: a canonical romanised id and the names it
// goes by in Chinese and English. Aliases such as 川渝 stand for two places.
type place struct {
	ids []string
	zh  []string
	en  []string
	// province marks a province-level name: it is in most items from that
	// province, so it vetoes (disjoint places) but never counts as
	// agreement.
	province bool
}

// places is a small bilingual gazetteer: the provinces and prefecture-level
// cities of Sichuan, the districts and new areas of Chongqing most often in
// the news, the other provinces govfeed follows and their capitals. Names
// that are also ordinary words (南岸 "south bank", 长寿 "longevity") are left
// out.
var places = []place{
	{ids: []string{"sichuan"}, zh: []string{"四川"}, en: []string{"sichuan"}, province: true},
	{ids: []string{"chongqing"}, zh: []string{"重庆"}, en: []string{"chongqing"}, province: true},
	{ids: []string{"sichuan", "chongqing"}, zh: []string{"川渝"}, province: true},
	{ids: []string{"chengdu", "chongqing"}, zh: []string{"成渝"}},
	{ids: []string{"chengdu"}, zh: []string{"成都", "蓉城"}, en: []string{"chengdu"}},
	{ids: []string{"zigong"}, zh: []string{"自贡"}, en: []string{"zigong"}},
	{ids: []string{"panzhihua"}, zh: []string{"攀枝花"}, en: []string{"panzhihua"}},
	{ids: []string{"luzhou"}, zh: []string{"泸州"}, en: []string{"luzhou"}},
	{ids: []string{"deyang"}, zh: []string{"德阳"}, en: []string{"deyang"}},
	{ids: []string{"mianyang"}, zh: []string{"绵阳"}, en: []string{"mianyang"}},
	{ids: []string{"guangyuan"}, zh: []string{"广元"}, en: []string{"guangyuan"}},
	{ids: []string{"suining"}, zh: []string{"遂宁"}, en: []string{"suining"}},
	{ids: []string{"neijiang"}, zh: []string{"内江"}, en: []string{"neijiang"}},
	{ids: []string{"leshan"}, zh: []string{"乐山"}, en: []string{"leshan"}},
	{ids: []string{"nanchong"}, zh: []string{"南充"}, en: []string{"nanchong"}},
	{ids: []string{"meishan"}, zh: []string{"眉山"}, en: []string{"meishan"}},
	{ids: []string{"yibin"}, zh: []string{"宜宾"}, en: []string{"yibin"}},
	{ids: []string{"guangan"}, zh: []string{"广安"}, en: []string{"guang'an", "guangan"}},
	{ids: []string{"dazhou"}, zh: []string{"达州"}, en: []string{"dazhou"}},
	{ids: []string{"yaan"}, zh: []string{"雅安"}, en: []string{"ya'an", "yaan"}},
	{ids: []string{"bazhong"}, zh: []string{"巴中"}, en: []string{"bazhong"}},
	{ids: []string{"ziyang"}, zh: []string{"资阳"}, en: []string{"ziyang"}},
	{ids: []string{"aba"}, zh: []string{"阿坝"}, en: []string{"aba", "ngawa"}},
	{ids: []string{"garze"}, zh: []string{"甘孜"}, en: []string{"garze", "ganzi"}},
	{ids: []string{"liangshan"}, zh: []string{"凉山"}, en: []string{"liangshan"}},
	{ids: []string{"lushan"}, zh: []string{"芦山"}, en: []string{"lushan"}},
	{ids: []string{"xichang"}, zh: []string{"西昌"}, en: []string{"xichang"}},
	{ids: []string{"dujiangyan"}, zh: []string{"都江堰"}, en: []string{"dujiangyan"}},
	{ids: []string{"jiuzhaigou"}, zh: []string{"九寨沟"}, en: []string{"jiuzhaigou"}},
	{ids: []string{"tianfu-new-area"}, zh: []string{"天府新区"}, en: []string{"tianfu new area"}},
	{ids: []string{"yongchuan"}, zh: []string{"永川"}, en: []string{"yongchuan"}},
	{ids: []string{"wanzhou"}, zh: []string{"万州"}, en: []string{"wanzhou"}},
	{ids: []string{"fuling"}, zh: []string{"涪陵"}, en: []string{"fuling"}},
	{ids: []string{"yuzhong"}, zh: []string{"渝中"}, en: []string{"yuzhong"}},
	{ids: []string{"shapingba"}, zh: []string{"沙坪坝"}, en: []string{"shapingba"}},
	{ids: []string{"jiulongpo"}, zh: []string{"九龙坡"}, en: []string{"jiulongpo"}},
	{ids: []string{"beibei"}, zh: []string{"北碚"}, en: []string{"beibei"}},
	{ids: []string{"yubei"}, zh: []string{"渝北"}, en: []string{"yubei"}},
	{ids: []string{"banan"}, zh: []string{"巴南"}, en: []string{"banan"}},
	{ids: []string{"qianjiang"}, zh: []string{"黔江"}, en: []string{"qianjiang"}},
	{ids: []string{"jiangjin"}, zh: []string{"江津"}, en: []string{"jiangjin"}},
	{ids: []string{"hechuan"}, zh: []string{"合川"}, en: []string{"hechuan"}},
	{ids: []string{"qijiang"}, zh: []string{"綦江"}, en: []string{"qijiang"}},
	{ids: []string{"dazu"}, zh: []string{"大足"}, en: []string{"dazu"}},
	{ids: []string{"bishan"}, zh: []string{"璧山"}, en: []string{"bishan"}},
	{ids: []string{"tongliang"}, zh: []string{"铜梁"}, en: []string{"tongliang"}},
	{ids: []string{"tongnan"}, zh: []string{"潼南"}, en: []string{"tongnan"}},
	{ids: []string{"rongchang"}, zh: []string{"荣昌"}, en: []string{"rongchang"}},
	{ids: []string{"kaizhou"}, zh: []string{"开州"}, en: []string{"kaizhou"}},
	{ids: []string{"liangping"}, zh: []string{"梁平"}, en: []string{"liangping"}},
	{ids: []string{"wulong"}, zh: []string{"武隆"}, en: []string{"wulong"}},
	{ids: []string{"liangjiang-new-area"}, zh: []string{"两江新区"}, en: []string{"liangjiang new area"}},
	{ids: []string{"western-science-city"}, zh: []string{"西部科学城"}, en: []string{"western china science city", "western science city"}},
	{ids: []string{"guangdong"}, zh: []string{"广东"}, en: []string{"guangdong"}, province: true},
	{ids: []string{"guangzhou"}, zh: []string{"广州"}, en: []string{"guangzhou"}},
	{ids: []string{"shenzhen"}, zh: []string{"深圳"}, en: []string{"shenzhen"}},
	{ids: []string{"zhuhai"}, zh: []string{"珠海"}, en: []string{"zhuhai"}},
	{ids: []string{"foshan"}, zh: []string{"佛山"}, en: []string{"foshan"}},
	{ids: []string{"dongguan"}, zh: []string{"东莞"}, en: []string{"dongguan"}},
	{ids: []string{"zhanjiang"}, zh: []string{"湛江"}, en: []string{"zhanjiang"}},
	{ids: []string{"shantou"}, zh: []string{"汕头"}, en: []string{"shantou"}},
	{ids: []string{"greater-bay-area"}, zh: []string{"粤港澳大湾区", "大湾区"}, en: []string{"greater bay area"}, province: true},
	{ids: []string{"hong-kong"}, zh: []string{"香港"}, en: []string{"hong kong"}, province: true},
	{ids: []string{"macao"}, zh: []string{"澳门"}, en: []string{"macao", "macau"}, province: true},
	{ids: []string{"zhejiang"}, zh: []string{"浙江"}, en: []string{"zhejiang"}, province: true},
	{ids: []string{"hangzhou"}, zh: []string{"杭州"}, en: []string{"hangzhou"}},
	{ids: []string{"ningbo"}, zh: []string{"宁波"}, en: []string{"ningbo"}},
	{ids: []string{"wenzhou"}, zh: []string{"温州"}, en: []string{"wenzhou"}},
	{ids: []string{"jiaxing"}, zh: []string{"嘉兴"}, en: []string{"jiaxing"}},
	{ids: []string{"shaoxing"}, zh: []string{"绍兴"}, en: []string{"shaoxing"}},
	{ids: []string{"beijing"}, zh: []string{"北京"}, en: []string{"beijing"}, province: true},
	{ids: []string{"shanghai"}, zh: []string{"上海"}, en: []string{"shanghai"}, province: true},
	{ids: []string{"yunnan"}, zh: []string{"云南"}, en: []string{"yunnan"}, province: true},
	{ids: []string{"guizhou"}, zh: []string{"贵州"}, en: []string{"guizhou"}, province: true},
	{ids: []string{"shaanxi"}, zh: []string{"陕西"}, en: []string{"shaanxi"}, province: true},
	{ids: []string{"xizang"}, zh: []string{"西藏"}, en: []string{"xizang", "tibet"}, province: true},
}

// event is a bilingual kind of event, used to veto cross-language merges of
// different events that share a date and places.
type event struct {
	id string
	zh []string
	en []string
}

// events are the kinds of event government news reports most.
var events = []event{
	{id: "joint-meeting", zh: []string{"联席会议"}, en: []string{"joint meeting"}},
	{id: "executive-meeting", zh: []string{"常务会议"}, en: []string{"executive meeting"}},
	{id: "standing-committee", zh: []string{"常委会"}, en: []string{"standing committee"}},
	{id: "press-conference", zh: []string{"新闻发布会"}, en: []string{"press conference", "news conference"}},
	{id: "forum", zh: []string{"论坛"}, en: []string{"forum"}},
	{id: "expo", zh: []string{"博览会", "交易会", "展览会"}, en: []string{"expo", "trade fair", "exhibition"}},
	{id: "earthquake", zh: []string{"地震"}, en: []string{"earthquake", "quake"}},
	{id: "typhoon", zh: []string{"台风"}, en: []string{"typhoon"}},
	{id: "rainstorm", zh: []string{"暴雨"}, en: []string{"rainstorm", "heavy rain"}},
	{id: "flood", zh: []string{"洪水", "洪涝"}, en: []string{"flood", "flooding"}},
	{id: "signing", zh: []string{"签约", "签署"}, en: []string{"signed", "signing", "sign"}},
	{id: "recruitment", zh: []string{"招聘"}, en: []string{"recruitment", "recruit"}},
	{id: "exam", zh: []string{"高考", "考试"}, en: []string{"gaokao", "exam", "examination"}},
	{id: "summit", zh: []string{"峰会"}, en: []string{"summit"}},
	{id: "games", zh: []string{"运动会", "亚运会"}, en: []string{"games"}},
}

// provinceLevel holds the entity values (see entityValue) of province-level
// places.
var provinceLevel = func() map[uint64]bool {
	m := map[uint64]bool{}
	for _, p := range places {
		if p.province {
			for _, id := range p.ids {
				if v, ok := entityValue("p:" + id); ok {
					m[v] = true
				}
			}
		}
	}
	return m
}()

// gazetteer indexes places and events for one-pass matching.
type gazetteer struct {
	zhByFirst map[rune][]gazName // Chinese names by first rune, longest first
	first     runeSet            // the keys of zhByFirst
	en        map[string][]string
	enMaxLen  int            // most words in an English name
	enFirst   map[string]int // most words of the English names that start with a word
	// enFirstBits holds the keys of enFirst: a cheap test before it.
	enFirstBits wordFilter
}

// enNameWords returns the most words of the English names that start with the
// word w, 0 when none does.
func (g *gazetteer) enNameWords(w []byte) int {
	if len(w) > 0 && !g.enFirstBits.mayHave(w) {
		return 0
	}
	return g.enFirst[string(w)]
}

// wordFilter is a set of words by length (modulo 32), first and last byte
// (modulo 64): mayHave tells most words not in it.
type wordFilter struct{ first, last [32]uint64 }

func (f *wordFilter) add(w string) {
	f.first[len(w)&31] |= 1 << (w[0] & 63)
	f.last[len(w)&31] |= 1 << (w[len(w)-1] & 63)
}

// mayHave reports whether the non-empty w may be in the set.
func (f *wordFilter) mayHave(w []byte) bool {
	n := len(w) & 31
	return f.first[n]&(1<<(w[0]&63)) != 0 && f.last[n]&(1<<(w[len(w)-1]&63)) != 0
}

// runeSet is a set of runes below 0x10000.
type runeSet [1 << 10]uint64

func (s *runeSet) add(r rune) {
	if r < 1<<16 {
		s[r>>6] |= 1 << (r & 63)
	}
}

// has reports whether r is in the set; it is false for every r >= 0x10000.
func (s *runeSet) has(r rune) bool {
	return r < 1<<16 && s[r>>6]&(1<<(r&63)) != 0
}

// gazName is one Chinese name and the entity strings it stands for.
type gazName struct {
	name string
	ents []string
}

// gaz is built once from places and events and never changed.
var gaz = buildGazetteer()

func buildGazetteer() gazetteer {
	g := gazetteer{zhByFirst: map[rune][]gazName{}, en: map[string][]string{}, enFirst: map[string]int{}}
	add := func(zh, en []string, ents []string) {
		for _, n := range zh {
			r, _ := decodeRune(n)
			g.zhByFirst[r] = append(g.zhByFirst[r], gazName{n, ents})
			if r >= 1<<16 {
				panic("gazetteer: " + n + " starts beyond the BMP")
			}
			g.first.add(r)
		}
		for _, n := range en {
			g.en[n] = append(g.en[n], ents...)
			if w := len(splitWords(n)); w > g.enMaxLen {
				g.enMaxLen = w
			}
			if g.enMaxLen > maxEnWords {
				panic("gazetteer: " + n + " has more than maxEnWords words")
			}
		}
	}
	for _, p := range places {
		var ents []string
		for _, id := range p.ids {
			ents = append(ents, "p:"+id)
		}
		add(p.zh, p.en, ents)
	}
	for _, e := range events {
		add(e.zh, e.en, []string{"e:" + e.id})
	}
	for r, ns := range g.zhByFirst {
		// Longest first, so 粤港澳大湾区 wins over a shorter name.
		for i := 1; i < len(ns); i++ {
			for j := i; j > 0 && len(ns[j].name) > len(ns[j-1].name); j-- {
				ns[j], ns[j-1] = ns[j-1], ns[j]
			}
		}
		g.zhByFirst[r] = ns
	}
	// A name of n words matches only from its first word, and only n at
	// a time (words have no spaces).
	for n := range g.en {
		parts := strings.Split(n, " ")
		g.enFirst[parts[0]] = min(g.enMaxLen, max(g.enFirst[parts[0]], len(parts)))
		if p := parts[0]; p != "" {
			g.enFirstBits.add(p)
		}
	}
	return g
}
