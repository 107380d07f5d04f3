# English lexicon for the time recognizer: one entry per line.
#   class  value  word word ...
# A word ending in "." may also be written without its period ("sept." matches "Sept" and "Sept.").
# Words are matched case-insensitively, one token each (see README.md for tokens).

month 1 january jan.
month 2 february feb.
month 3 March mar.
month 4 april apr.
month 5 May
month 6 june jun.
month 7 july jul.
month 8 august aug.
month 9 september sept. sep.
month 10 october oct.
month 11 november nov.
month 12 december dec.

monthFull 1 january
monthFull 2 february
monthFull 3 March
monthFull 4 april
monthFull 5 May
monthFull 6 june
monthFull 7 july
monthFull 8 august
monthFull 9 september
monthFull 10 october
monthFull 11 november
monthFull 12 december

weekday 1 monday mon.
weekday 2 tuesday tues. tue.
weekday 3 wednesday wed.
weekday 4 thursday thurs. thu.
weekday 5 friday fri.
weekday 6 saturday
weekday 7 sunday

weekdays 1 mondays
weekdays 2 tuesdays
weekdays 3 wednesdays
weekdays 4 thursdays
weekdays 5 fridays
weekdays 6 saturdays
weekdays 7 sundays

# units: value is the TIMEX3 duration letter (H, MIN, S are time units; DE = decade, CE = century)
unit Y year years yr. yrs.
unit Q quarter quarters
unit M month months
unit W week weeks
unit D day days
unit H hour hours hr. hrs.
unit MIN minute minutes min. mins.
unit S second seconds
unit DE decade decades
unit CE century centuries
unit WE weekend weekends

# a unit used without a number, as a plural ("for weeks", "days")
units Y years
units Q quarters
units M months
units W weeks
units D days
units H hours
units MIN minutes
units DE decades
units CE centuries

# how often: value is the period
often P1D daily nightly
often P1W weekly
often P2W biweekly fortnightly
often P1M monthly
often P1Y annually yearly
often PT1H hourly

numword 0 zero
numword 1 one
numword 2 two
numword 3 three
numword 4 four
numword 5 five
numword 6 six
numword 7 seven
numword 8 eight
numword 9 nine
numword 10 ten
numword 11 eleven
numword 12 twelve
numword 13 thirteen
numword 14 fourteen
numword 15 fifteen
numword 16 sixteen
numword 17 seventeen
numword 18 eighteen
numword 19 nineteen
tens 20 twenty
tens 30 thirty
tens 40 forty
tens 50 fifty
tens 60 sixty
tens 70 seventy
tens 80 eighty
tens 90 ninety
scale 100 hundred
scale 1000 thousand
# large amounts: a unit after one is a rate ("$2 million a year"), not a time
amount 1000000 million billion trillion
# a count written as a word that is not a number ("a couple of")
numword 2 couple
numword 12 dozen

ordinal 1 first
ordinal 2 second
ordinal 3 third
ordinal 4 fourth
ordinal 5 fifth
ordinal 6 sixth
ordinal 7 seventh
ordinal 8 eighth
ordinal 9 ninth
ordinal 10 tenth
ordinal 11 eleventh
ordinal 12 twelfth
ordinal 13 thirteenth
ordinal 14 fourteenth
ordinal 15 fifteenth
ordinal 16 sixteenth
ordinal 17 seventeenth
ordinal 18 eighteenth
ordinal 19 nineteenth
ordinal 20 twentieth
ordinal 30 thirtieth

# vague counts: value is the low and high count used for intervals
fuzzy 2-5 few
fuzzy 3-9 several
fuzzy 2-9 some many
fuzzy 2-3 couple

# which one of a period: -1 the one before, 0 this one, 1 the one after
which -1 last past previous preceding
which 0 this current
which 1 next coming following

# position inside a period: TIMEX3 mod
part START early beginning start
part MID mid middle
part END late end

# quantity modifiers: TIMEX3 mod
approx APPROX about around approximately roughly nearly some almost
approx MORE_THAN more over
approx LESS_THAN less under

# direction words after a count: -1 back from the anchor, 1 forward
back -1 earlier previously
forth 1 later afterwards afterward
# prepositions: a time only when nothing follows them ("a day before." but not "a day before the vote")
backPrep -1 before prior
forthPrep 1 after

# parts of a day: TIMEX3 suffix
dayPart MO morning
dayPart AF afternoon
dayPart EV evening
dayPart NI night
# the same in the plural, for recurrences ("Tuesday nights")
dayParts MO mornings
dayParts AF afternoons
dayParts EV evenings
dayParts NI nights

season SP spring
season SU summer
season FA autumn
seasonWord FA fall
season WI winter

# time zones after a clock time
zone LOCAL local
zone EST est edt cst cdt pst pdt mst mdt gmt utc bst cet

# am/pm
meridiem AM a.m. am
meridiem PM p.m. pm

# fixed-date holidays: value MM-DD
holiday 12-25 christmas
# a holiday on the n-th weekday of a month: month:n:weekday
holiday 11:4:4 thanksgiving

# tense markers of the clause (past direction / future direction)
past PAST said was were had did reported told announced added ago last earlier previously claimed confirmed noted stated killed died
future FUTURE will 'll shall tomorrow scheduled slated due upcoming would expected expects plans planned intends
pastsuffix ed ed
# forms of "be": a word with a past ending right after one is a participle ("will be named",
# "is being traded"), not a tense marker
passive X be been being is are am
# determiners: a word with a past ending right after one (or after one modifier) is an adjective
# ("the reduced dividend", "a still unspecified date", "the hastily planned trip"), not a tense
# marker ("that", "this" are left out: "the bomb that exploded")
determiner X the a an its his her their our my your no any each every another
# degree words that may stand between a determiner and such an adjective (as do adverbs in -ly)
degree X still very most more less so too much
# words with a past ending that are not past-tense verbs
notpast X hundred united limited indeed need succeed proceed exceed speed sacred naked wicked kindred
