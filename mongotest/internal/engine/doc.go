// Package engine is mongotest's query language: MongoDB's comparison
// order, filters, projections, sorts, updates and aggregation pipelines,
// as pure functions over documents. It does no I/O and starts no
// goroutines; the server (package mongotest) stores the documents, calls
// it, and writes what $out and $merge produce. Compiled values (Filter,
// Projection, Sort, Update, Pipeline) are immutable after compilation and
// safe for concurrent use; no function changes the documents it is given.
//
// # Values
//
// Documents are bson.D as bson.Unmarshal decodes them into a bson.D:
// nested documents bson.D, arrays bson.A, double float64, string, binary
// bson.Binary, undefined bson.Undefined, ObjectId bson.ObjectID, bool,
// date bson.DateTime, null nil, regex bson.Regex, dbPointer
// bson.DBPointer, JavaScript bson.JavaScript, symbol bson.Symbol, code
// with scope bson.CodeWithScope, int32, timestamp bson.Timestamp, int64,
// decimal bson.Decimal128, bson.MinKey and bson.MaxKey. Go int and
// bson.Null are accepted too. Decimal arithmetic is computed with
// math/big and rounded to 34 digits (trailing zeros are not kept as
// IEEE 754-2008 would keep them).
//
// # Errors
//
// Every failure is an *Error with mongod's code and code name (BadValue 2,
// FailedToParse 9, TypeMismatch 14, PathNotViable 28,
// ConflictingUpdateOperators 40, ImmutableField 66, InvalidOptions 72,
// InvalidPipelineOperator 168, and mongod's numbered Location codes such as
// 40324 for an unknown stage). Unknown query operators are BadValue
// "unknown operator: $x", as mongod says. What MongoDB has and mongotest
// has not is refused with BadValue "mongotest does not support ...", never
// answered wrongly.
//
// # Supported subset
//
//	Area         Supported                                           Refused (mongotest does not support)
//	comparison   the full BSON order; numbers of all four types       locales other than en,
//	             by value; NaN equal to NaN and below all numbers;    de, fr, it, nl, pt, id,
//	             documents field by field, arrays element by element; ms (and their regions
//	             collations (see below)                               but fr_CA)
//	filters      $eq $ne $gt $gte $lt $lte $in $nin $exists $type     $where $text $jsonSchema $near
//	             (numbers, aliases, "number", arrays of them) $and    $nearSphere $geoWithin
//	             $or $nor $not $regex ($options i m s x, bson.Regex)  $geoIntersects $bits*
//	             $elemMatch (value and document forms) $size $all     $sampleRate; regular
//	             $mod $expr $comment $alwaysTrue $alwaysFalse;        expressions Go's RE2 cannot
//	             dotted paths through documents and arrays, numeric   run (back-references,
//	             components, null matching missing, whole-array and   look-around)
//	             whole-document equality; MatchInfo for "$"
//	projection   inclusion, exclusion, _id rules, dotted and nested   $meta
//	             paths, $slice, $elemMatch, positional "a.$",
//	             aggregation expressions (4.4+)
//	sort         several keys, arrays by their smallest (ascending)   {$meta: ...}
//	             or largest (descending) element, missing as null,
//	             empty arrays before null; $natural ignored
//	updates      $set $unset $inc $mul $min $max $rename              $bit
//	             $setOnInsert $currentDate $push ($each $slice $sort
//	             $position) $addToSet ($each) $pull $pullAll $pop;
//	             "$", "$[]", "$[id]" with arrayFilters; replacements;
//	             pipelines ($set $addFields $unset $project
//	             $replaceRoot $replaceWith); upsert seeding from the
//	             query's equality fields and $and; Modified;
//	             updateDescription (updated, removed, truncated)
//	stages       $match $project $addFields $set $unset $group $sort  $changeStream $collStats
//	             $limit $skip $count $unwind $lookup (equality and    $indexStats $currentOp
//	             pipeline) $unionWith $replaceRoot $replaceWith       $listLocalSessions (the
//	             $sortByCount $facet $documents; $out and $merge are  server's), $graphLookup
//	             described by Output, not run                        $bucket $bucketAuto $sample
//	                                                                  $setWindowFields $densify
//	                                                                  $fill $redact $geoNear
//	                                                                  $search
//	accumulators $sum $avg $min $max $first $last $push $addToSet     $top $bottom $firstN ...
//	             $count $mergeObjects $stdDevPop $stdDevSamp          $median $percentile
//	                                                                  $accumulator
//	expressions  field paths, $$ROOT $$CURRENT $$REMOVE $$NOW         date arithmetic and
//	             $$CLUSTER_TIME, let variables; $add $subtract        parsing, time zones other
//	             $multiply $divide $mod $abs $ceil $floor $round      than UTC, trigonometry,
//	             $trunc $sqrt $pow $exp $ln $log10; $eq $ne $gt $gte  $zip, $rand, $function,
//	             $lt $lte $cmp; $and $or $not; $cond $ifNull $switch  ... (refused as
//	             $literal $let; $concat $toUpper $toLower $substr     "Unrecognized
//	             $substrBytes $substrCP $strLenBytes $strLenCP        expression")
//	             $strcasecmp $split $indexOfBytes $indexOfCP $trim
//	             $ltrim $rtrim $replaceOne $replaceAll $regexMatch
//	             $regexFind $regexFindAll; $size $arrayElemAt $first
//	             $last $in $concatArrays $slice $reverseArray
//	             $isArray $range $indexOfArray $filter $map $reduce
//	             $sortArray; $sum $avg $min $max $stdDevPop
//	             $stdDevSamp; $setUnion $setIntersection
//	             $setDifference $setEquals $setIsSubset
//	             $anyElementTrue $allElementTrue; $type $isNumber
//	             $toString $toInt $toLong $toDouble $toDecimal
//	             $toBool $toDate $toObjectId $convert; $mergeObjects
//	             $objectToArray $arrayToObject $getField $setField
//	             $unsetField; $year $month $dayOfMonth $hour $minute
//	             $second $millisecond $dayOfWeek $dayOfYear $isoWeek
//	             $isoWeekYear $isoDayOfWeek $dateToString (UTC)
//
// # Collation
//
// A command's collation (ParseCollation; nil is "simple", binary) travels
// with its Vars (Vars.WithCollation), as mongod's ExpressionContext
// carries both, and reaches every string comparison compiled with them:
// filters ($eq $ne $gt... $in $nin $all $elemMatch, not $regex), $sort
// and Sort.WithCollation, $group keys, $min $max $addToSet, and the
// expressions $eq $ne $gt $gte $lt $lte $cmp $in $indexOfArray. It is
// an approximation of ICU's root collation, honest about its limits:
// strengths 1 to 5 (base letters, accents, case, shifted punctuation,
// code points), caseLevel, caseFirst, numericOrdering, alternate and
// maxVariable, backwards; accents come from the canonical decompositions
// of Latin letters (collation_table.go, generated) and combining marks;
// letters order case-insensitively by their lower case, with
// whitespace < punctuation < symbols < digits < letters and other scripts
// by code point. ICU's contractions and most expansions (only "ß" is one)
// are not modeled, nor where ICU places letters such as "æ", "ø" or "ł",
// which compare here by code point after "z". Updates compare by it too
// ($min, $max, $addToSet, $pull, $pullAll, $push's $sort, arrayFilters),
// $sortArray, the set expressions, $min and $max as expressions, and
// $lookup's localField/foreignField match.
//
// # Files
//
//   - api.go: the shared types (Vars, MatchInfo, UpdateOptions,
//     UpdateResult, Truncated, Catalog, Env, Output)
//   - errors.go: Error, the codes
//   - collation.go, collation_table.go: Collation, sort keys, Vars.WithCollation
//   - values.go, numbers.go: type ranks, $type aliases, truthiness;
//     exact numeric comparison and conversions
//   - compare.go: Compare, Equal, identical (type-exact equality)
//   - path.go: walking dotted paths with the array rules
//   - filter.go, filter_path.go, filter_ops.go, filter_array.go, regex.go:
//     CompileFilter and the query operators
//   - projection.go, projection_tree.go, projection_apply.go: projections
//     (also $project, $addFields, $unset)
//   - sort.go: CompileSort
//   - update.go, update_args.go, update_positional.go, update_doc.go,
//     update_apply.go, update_array.go, update_upsert.go,
//     update_pipeline.go, update_describe.go: updates
//   - pipeline.go, stage_*.go, accumulators.go: aggregation
//   - expr.go, expr_*.go, let.go: aggregation expressions, EvalLet
package engine
