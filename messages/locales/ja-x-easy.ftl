# やさしい にほんご (Easy Japanese) — visitor messages only. Every kanji run
# carries its reading as ｜漢字《かんじ》 (ruby on pages, reading for speech).

# Office and display board
office-demo-note = これは デモです。ほんとうの ｜市役所《しやくしょ》では ありません
board-now-calling = いま よんでいる ｜番号《ばんごう》
board-recent = よんだ ｜番号《ばんごう》
board-services = ｜待《ま》っている ｜人《ひと》
board-waiting = { $count }｜人《にん》 ｜待《ま》っています
board-wait = だいたい { $minutes }｜分《ふん》
board-wait-none = すぐに よびます
board-booths = ｜窓口《まどぐち》
booth-open = あいています
booth-paused = ｜休《やす》んでいます
booth-closed = ｜閉《し》まっています
board-reconnecting = つなぎなおしています…
board-no-calls = ｜番号《ばんごう》で よびます。すわって ｜待《ま》ってください。
board-go-to = { $booth }へ
board-guidance = ｜名前《なまえ》では よびません。｜番号《ばんごう》で よびます。｜画面《がめん》と ｜声《こえ》で おしえます。
announce-call = { $number }｜番《ばん》の ｜人《ひと》、{ $booth }へ ｜来《き》てください。
announce-recall = もう ｜一度《いちど》 よびます。{ $number }｜番《ばん》の ｜人《ひと》、{ $booth }へ ｜来《き》てください。

# Kiosk (受付機)
kiosk-title = ｜受付《うけつけ》
kiosk-welcome-scan = ｜予約《よやく》の QR コードを みせてください
kiosk-welcome-scan-hint = ｜予約《よやく》の メールの QR コードを、｜下《した》の きかいに むけてください。スマートフォンの ｜画面《がめん》でも いいです
kiosk-welcome-walkin = ｜予約《よやく》が ない ｜人《ひと》は ここ
kiosk-checking = たしかめています…
kiosk-retrying = ｜受付《うけつけ》の システムを ｜待《ま》っています。このまま ｜待《ま》ってください…
kiosk-offline-banner = ｜受付《うけつけ》の システムに つながりません。｜係《かかり》の ｜人《ひと》に ｜聞《き》いてください
kiosk-walkin-title = ｜手続《てつづ》きを えらんでください（いくつでも いいです）
kiosk-reservation-only-tag = ｜予約《よやく》が ひつよう
kiosk-priority = ｜先《さき》に ｜受付《うけつけ》（おなかに ｜赤《あか》ちゃんが いる ｜人《ひと》、お｜年寄《としよ》り、｜障《しょう》がいが ある ｜人《ひと》）
kiosk-confirm = ｜番号《ばんごう》の ｜紙《かみ》を もらう
kiosk-back = もどる
kiosk-ticket-your-number = あなたの ｜番号《ばんごう》
kiosk-ticket-procedures = ｜手続《てつづ》き
kiosk-ticket-where = { $place }で ｜待《ま》ってください
kiosk-ticket-ahead = ｜前《まえ》に { $count }｜人《にん》 います
kiosk-ticket-wait = ｜待《ま》つ ｜時間《じかん》は だいたい { $low }〜{ $high }｜分《ふん》です
kiosk-ticket-no-wait = もうすぐ よびます
kiosk-ticket-phone = スマートフォンで よみとると、あなたの ｜順番《じゅんばん》が わかります
kiosk-ticket-called = ｜画面《がめん》と ｜声《こえ》で ｜番号《ばんごう》を よびます
kiosk-ticket-done = とじる
kiosk-ticket-print-failed = ｜番号《ばんごう》の ｜紙《かみ》が でませんでした。｜画面《がめん》の ｜番号《ばんごう》を メモしてください
kiosk-ask-staff = ｜係《かかり》の ｜人《ひと》に ｜聞《き》いてください
kiosk-error-title = ｜受付《うけつけ》が できませんでした
kiosk-error-unknown_code = この QR コードの ｜予約《よやく》が ありません
kiosk-error-malformed_code = QR コードが よめませんでした。もう ｜一度《いちど》 みせてください
kiosk-error-cancelled = この ｜予約《よやく》は キャンセルされました
kiosk-error-too_early = まだ ｜受付《うけつけ》の ｜時間《じかん》では ありません。｜予約《よやく》の ｜時間《じかん》の すこし ｜前《まえ》に、もう ｜一度《いちど》 みせてください
kiosk-error-too_late = ｜予約《よやく》の ｜時間《じかん》が すぎています
kiosk-error-wrong_day = これは ほかの ｜日《ひ》の ｜予約《よやく》です
kiosk-error-wrong_office = この ｜予約《よやく》は ほかの ｜建物《たてもの》です。メールの ｜場所《ばしょ》を みて ください
kiosk-error-already_used = この ｜予約《よやく》は もう ｜受付《うけつけ》を しました
kiosk-error-reservation_only = この ｜手続《てつづ》きは ｜予約《よやく》が ひつようです
kiosk-error-office_closed = いまは ｜受付《うけつけ》の ｜時間《じかん》では ありません
kiosk-error-unauthorized = この きかいは ｜登録《とうろく》されていません
kiosk-error-offline = ｜受付《うけつけ》の システムに つながりません。｜番号《ばんごう》の ｜紙《かみ》を だせませんでした
kiosk-error-other = この きかいでは ｜受付《うけつけ》が できませんでした
kiosk-retry = もう ｜一度《いちど》
kiosk-start-over = はじめの ｜画面《がめん》へ
kiosk-select-one = ｜手続《てつづ》きを 1つ いじょう えらんでください

# Phone status page (順番のご案内)
status-title = あなたの ｜順番《じゅんばん》
status-waiting = ｜待《ま》ってください
status-next = もうすぐ よびます
status-ahead = ｜前《まえ》に { $count }｜人《にん》 います
status-wait = ｜待《ま》つ ｜時間《じかん》は だいたい { $low }〜{ $high }｜分《ふん》です
status-called = あなたを よんでいます
status-go = { $booth }へ ｜行《い》ってください
status-serving = いま ｜手続《てつづ》きを しています
status-done = ｜手続《てつづ》きは おわりました。ありがとうございました
status-no-show = よびましたが、いませんでした
status-cancelled = この ｜番号《ばんごう》の ｜紙《かみ》は キャンセルされました
status-expired = この ｜番号《ばんごう》の ｜紙《かみ》は、もう つかえません（その ｜日《ひ》の ｜受付《うけつけ》は おわりました）。あたらしい ｜番号《ばんごう》の ｜紙《かみ》を とって ください
status-place = ｜場所《ばしょ》
status-unknown = この ｜番号《ばんごう》の ｜紙《かみ》は みつかりません
status-live = この ページは ｜自動《じどう》で あたらしく なります
status-offline = つながりが きれました。つなぎなおしています…
status-reload = この ページは 30｜秒《びょう》ごとに あたらしく なります

# Reservation page
resv-unknown = この ｜予約《よやく》は みつかりません
resv-unknown-hint = QR コードや リンクを もう ｜一度《いちど》 たしかめてください。｜電話《でんわ》でも ｜予約《よやく》を かえることが できます
resv-qr-title = ｜受付《うけつけ》で つかう QR コード
resv-qr-alt = ｜受付《うけつけ》の きかいに みせる QR コード
resv-qr-hint = ｜市役所《しやくしょ》に ｜来《き》たら、｜入口《いりぐち》の ｜受付《うけつけ》の きかいに この QR コードを みせてください
resv-ics = カレンダーに いれる（.ics）
resv-checklist-note = あなたの こたえから つくりました。｜予約《よやく》の ｜日《ひ》に ｜係《かかり》の ｜人《ひと》が せつめいします
resv-cancel = ｜予約《よやく》を キャンセルする
resv-cancel-ask = この ｜予約《よやく》を キャンセルしますか
resv-cancel-yes = キャンセルする
resv-cancel-no = キャンセルしない
resv-cancel-failed = この ｜予約《よやく》は キャンセル できませんでした

# Congestion page (混雑状況)
cong-title = ｜窓口《まどぐち》の こみぐあい
cong-updated = { $time }の ようす
cong-lamp-blue = すいています
cong-lamp-yellow = すこし こんでいます
cong-lamp-red = こんでいます
cong-usual = ｜時間《じかん》ごとの いつもの ｜待《ま》つ ｜時間《じかん》（｜分《ふん》、さいきんの { $weeks }｜週間《しゅうかん》）
cong-note = ｜月曜日《げつようび》、｜祝日《しゅくじつ》の つぎの ｜日《ひ》、3〜4｜月《がつ》、11｜時《じ》〜14｜時《じ》は こみます。この ｜画面《がめん》は 1｜分《ぷん》ごとに あたらしく なります
cong-refresh = あたらしく する

# Web booking (事前Web予約)
visitor-site = ｜市役所《しやくしょ》の ｜窓口《まどぐち》の あんない
visitor-home-book-note = ｜来《く》る ｜日《ひ》と ｜時間《じかん》を、インターネットで ｜予約《よやく》できます
visitor-home-cong-note = いま ｜何人《なんにん》 ｜待《ま》っているか、どれくらい ｜待《ま》つかが わかります
visitor-home-board = いま よんでいる ｜番号《ばんごう》
visitor-home-board-note = ｜窓口《まどぐち》で よんでいる ｜番号《ばんごう》です（まちあいの ｜画面《がめん》と おなじ）
visitor-home-ticket-note = ｜番号《ばんごう》の ｜紙《かみ》の QRコードを よみとると、あなたの ｜順番《じゅんばん》が わかります
visitor-home-staff = ｜職員《しょくいん》の ｜画面《がめん》
book-title = インターネットで ｜予約《よやく》
book-choose-service = ｜手続《てつづ》きを えらんでください
book-unknown-service = その ｜手続《てつづ》きは ｜予約《よやく》が できません
book-back = もどる
book-choose-time = ｜日《ひ》と ｜時間《じかん》を えらんでください
book-no-days = この あいだに ｜予約《よやく》が できる ｜日《ひ》は ありません
book-day = { $month }/{ $day }（{ $weekday }）
book-wd-mon = ｜月《げつ》
book-wd-tue = ｜火《か》
book-wd-wed = ｜水《すい》
book-wd-thu = ｜木《もく》
book-wd-fri = ｜金《きん》
book-wd-sat = ｜土《ど》
book-wd-sun = ｜日《にち》
book-free = あいています
book-full = いっぱいです
# A time that cannot be booked online any more (inside the lead time), or not yet (beyond the horizon).
book-too-late = もう ｜予約《よやく》 できません
book-too-far = まだ ｜予約《よやく》 できません
book-lead-note = この ｜手続《てつづ》きは、｜市役所《しやくしょ》が あいている ｜日《ひ》で { $days }｜日《にち》まえ までに ｜予約《よやく》して ください
book-earlier = ｜前《まえ》の ｜週《しゅう》
book-later = つぎの ｜週《しゅう》
book-form-title = ｜予約《よやく》の ｜内容《ないよう》
book-when = { $service }　{ $date } { $time }から
book-name = ｜名前《なまえ》
book-phone = ｜電話番号《でんわばんごう》
book-email = メールアドレス
book-contact-hint = ｜電話番号《でんわばんごう》か メールアドレスを かいてください。どちらか 1つで いいです
book-questions = ｜市役所《しやくしょ》に ｜来《く》る ｜前《まえ》の しつもん
book-questions-hint = あなたの こたえを みて、ひつような ｜手続《てつづ》きと ｜持《も》って くる ものを おしえます
book-optional = かかなくても いいです
book-to-confirm = たしかめる ｜画面《がめん》へ
book-confirm-title = ｜内容《ないよう》を たしかめてください
book-book-it = これで ｜予約《よやく》する
book-edit = なおす
book-bad-time = その ｜時間《じかん》は ｜予約《よやく》が できません。ほかの ｜時間《じかん》を えらんでください
book-err-summary = かいた ことを たしかめてください
book-err-name = ｜名前《なまえ》を かいてください
book-err-name-long = ｜名前《なまえ》は 100｜文字《もじ》までで かいてください
book-err-contact = ｜電話番号《でんわばんごう》か メールアドレスを かいてください
book-err-phone = ｜電話番号《でんわばんごう》が まちがっています
book-err-email = メールアドレスが まちがっています
book-err-answer = この しつもんに こたえてください
book-err-full = すみません。その ｜時間《じかん》は いっぱいに なりました
book-err-other = ｜予約《よやく》が できませんでした
resv-booked = ｜予約《よやく》を うけつけました
resv-qr-png = QR コードを ｜画像《がぞう》で ほぞんする

# E-mail (順番お知らせメール, booking confirmation)
mail-booking-subject = 【{ $office }】｜予約《よやく》を うけつけました
mail-booking-intro = ｜予約《よやく》を ありがとうございます。つぎの ｜内容《ないよう》で うけつけました。
mail-field-number = ｜予約《よやく》の ｜番号《ばんごう》
mail-field-service = ｜手続《てつづ》き
mail-field-when = ｜日《ひ》と ｜時間《じかん》
mail-field-office = ｜建物《たてもの》
mail-field-where = ｜場所《ばしょ》
mail-booking-qr = ｜市役所《しやくしょ》に ｜来《き》たら、｜入口《いりぐち》の ｜受付《うけつけ》の きかいに QR コードを みせてください。QR コードは この メールに ついています。｜下《した》の リンクの ページを みせても いいです。
mail-booking-manage = ｜予約《よやく》を みる・キャンセルする・｜手続《てつづ》きの リスト
mail-ahead-subject = 【{ $office }】もうすぐ あなたの ｜順番《じゅんばん》です（{ $number }）
mail-ahead-body = ｜番号《ばんごう》 { $number } の ｜前《まえ》に ｜待《ま》っている ｜人《ひと》が { $count }｜人《にん》に なりました。｜窓口《まどぐち》の ちかくで ｜待《ま》ってください。
mail-next-body = つぎに ｜番号《ばんごう》 { $number } を よびます。｜窓口《まどぐち》の ちかくで ｜待《ま》ってください。
mail-called-subject = 【{ $office }】｜番号《ばんごう》 { $number } を よんでいます
mail-called-body = ｜番号《ばんごう》 { $number } を よんでいます。{ $booth }（{ $place }）へ ｜行《い》ってください。
mail-status-link = いまの ｜順番《じゅんばん》
mail-footer = この メールに ｜返事《へんじ》は できません。あなたに ｜関係《かんけい》が ない メールの ときは、けしてください。
# The phone status page's e-mail form
notify-title = ｜順番《じゅんばん》が ちかく なったら、メールで しらせます
notify-email = メールアドレス
notify-ahead = ｜前《まえ》の ｜人《ひと》が この ｜人数《にんずう》に なったら
notify-ahead-option = { $count }｜人《にん》
notify-submit = ｜登録《とうろく》する
notify-done = ｜登録《とうろく》しました。｜前《まえ》の ｜人《ひと》が { $count }｜人《にん》に なったら、メールを おくります。よんだ ときも メールを おくります（{ $email }）
notify-bad-email = メールアドレスが まちがっています
notify-finished = この ｜番号《ばんごう》の ｜手続《てつづ》きは もう おわりました

# Languages: each catalogue names itself
language-name = やさしい にほんご
language-choose = ことば
# What the voice says (Open JTalk); { $number } arrives spelled for speech.
voice-call = { $number }ばんの ひと、{ $booth }へ きてください。
voice-recall = もう いちど、{ $number }ばんの ひと、{ $booth }へ きてください。
# Kiosk voice guidance (音声案内) and large print
kiosk-speak = ｜声《こえ》で あんない
kiosk-large-text = ｜大《おお》きい ｜字《じ》
kiosk-normal-text = ふつうの ｜字《じ》
kiosk-say-welcome = ｜予約《よやく》が ある ｜人《ひと》は、｜予約《よやく》の QR コードを ｜下《した》の きかいに みせてください。｜予約《よやく》が ない ｜人《ひと》は、｜画面《がめん》の 「｜予約《よやく》が ない ｜人《ひと》は ここ」を おしてください。
kiosk-say-walkin = ｜手続《てつづ》きを えらんでください。いくつでも えらべます。それから、「｜番号《ばんごう》の ｜紙《かみ》を もらう」を おしてください。
kiosk-say-ticket = あなたの ｜番号《ばんごう》は { $number }｜番《ばん》です。｜手続《てつづ》きは { $procedures }です。{ $place }で ｜待《ま》ってください。
# 分 has no reading here: it changes with the number (ふん/ぷん) and the voice reads it right.
kiosk-say-wait = まつ ｜時間《じかん》は だいたい { $low }分から { $high }分です。
kiosk-say-checking = たしかめています。このまま ｜待《ま》ってください。
kiosk-say-error = ｜受付《うけつけ》が できませんでした。{ $reason }。

# The reservation page (visitor's view of the booking and its checklist)
resv-number = ｜予約《よやく》の ｜番号《ばんごう》
resv-reason = わけ
resv-state-booked = ｜予約《よやく》して います
resv-state-cancelled = キャンセルされました
resv-state-checked_in = ｜受付《うけつけ》を しました
resv-state-completed = ｜手続《てつづ》きは おわりました
resv-state-no_show = ｜来《き》ませんでした
resv-checklist = ｜手続《てつづ》きの リスト
resv-form = ｜書類《しょるい》
resv-how = ｜持《も》って くる もの・すること
resv-deadline = いつまで
resv-at-department = ｜担当《たんとう》の ｜窓口《まどぐち》で
book-yes = はい
book-no = いいえ

office-choose = どこの ｜窓口《まどぐち》に いきますか
office-unknown = その ｜建物《たてもの》は ありません
office-open-now = いま あいています
office-closed-now = いまは しまっています
office-hours-today = きょうは { $hours }
office-closed-today = きょうは やすみです
office-address = ｜住所《じゅうしょ》
cong-shortest = いちばん はやいのは { $office }（{ $minutes }｜分《ふん》ぐらい）
cong-shortest-title = いま いくなら

# The family's take-home summary (PDF, issue 20).
summary-title = おくやみコーナー ｜手続《てつづ》きの まとめ
summary-visit = { $date } に ｜来《き》ました
summary-done = きょう、おくやみコーナーで おわった ｜手続《てつづ》き
summary-left = これから、｜係《かかり》の ｜窓口《まどぐち》で する ｜手続《てつづ》き
summary-where = ばしょ
summary-none = ありません
summary-note = わからない ことは、おくやみコーナーに ｜聞《き》いて ください。

# The family's details for the pre-filled forms (booking page, reservation page)
details-title = ｜書類《しょるい》に かく こと
details-hint = ここに かくと、｜市役所《しやくしょ》が ｜書類《しょるい》を つくって おきます。あなたは ｜内容《ないよう》を たしかめて、サインを するだけです。ぜんぶ かかなくても いいです。｜来《く》る ｜日《ひ》の ｜前《まえ》の ｜日《ひ》まで、｜予約《よやく》の ページで あとから かくことも できます。
details-needed-hint = 1つでも かくと、｜手続《てつづ》きの ｜書類《しょるい》に ひつような ことも ｜聞《き》きます。
details-private = ｜書類《しょるい》を つくる ｜係《かかり》の ｜人《ひと》だけが みます。ほかの ｜人《ひと》が よめない ように して ほぞんします。｜予約《よやく》と いっしょに けします。
details-deceased = ｜亡《な》くなった ｜人《ひと》
details-applicant = あなた（｜書類《しょるい》を だす ｜人《ひと》）
details-refund_account = お｜金《かね》を うけとる ｜口座《こうざ》
details-refund_account-hint = ｜葬式《そうしき》の ための お｜金《かね》や、かえす ｜保険料《ほけんりょう》などを、この ｜口座《こうざ》に いれます。
details-deceased-name = ｜名前《なまえ》
details-deceased-name-hint = ｜戸籍《こせき》や ｜住民票《じゅうみんひょう》と おなじに かいてください
details-deceased-kana = ｜名前《なまえ》（カタカナ）
details-kana-hint = ｜全角《ぜんかく》の カタカナで かいてください（れい：ヤマダ タロウ）
details-deceased-birth_date = ｜生《う》まれた ｜日《ひ》
details-deceased-death_date = ｜亡《な》くなった ｜日《ひ》
details-date-hint = ｜年《ねん》-｜月《がつ》-｜日《にち》（れい：1940-04-01）
details-deceased-address = さいごの ｜住所《じゅうしょ》
details-deceased-address-hint = ｜亡《な》くなった ときに ｜住民登録《じゅうみんとうろく》が あった ｜住所《じゅうしょ》
details-applicant-name = ｜名前《なまえ》
details-applicant-kana = ｜名前《なまえ》（カタカナ）
details-applicant-address = ｜住所《じゅうしょ》
details-applicant-address-hint = ｜書類《しょるい》や ｜手紙《てがみ》を おくる ところ
details-applicant-phone = ｜電話番号《でんわばんごう》
details-applicant-phone-hint = ｜昼《ひる》に ｜電話《でんわ》が できる ｜番号《ばんごう》
details-applicant-relationship = ｜亡《な》くなった ｜人《ひと》と あなたの ｜関係《かんけい》
details-applicant-relationship-hint = ｜書類《しょるい》に かく ことばで かいてください（れい：｜妻《つま》、｜長男《ちょうなん》）
details-refund_account-bank = ｜銀行《ぎんこう》などの ｜名前《なまえ》
details-refund_account-bank-hint = れい：みどり｜銀行《ぎんこう》、○○｜信用金庫《しんようきんこ》
details-refund_account-branch = ｜支店《してん》の ｜名前《なまえ》
details-refund_account-kind = ｜口座《こうざ》の ｜種類《しゅるい》
details-refund_account-number = ｜口座番号《こうざばんごう》
details-refund_account-number-hint = 7けたの ｜数字《すうじ》
details-refund_account-holder_kana = ｜口座《こうざ》の ｜名前《なまえ》（カタカナ）
details-refund_account-holder_kana-hint = ｜通帳《つうちょう》と おなじに かいてください（れい：ヤマダ ハナコ）
details-kind-choose = えらんでください
details-kind-ordinary = ｜普通《ふつう》
details-kind-current = ｜当座《とうざ》
details-kind-savings = ｜貯蓄《ちょちく》
details-later = あとで かきます
details-error-missing = ｜手続《てつづ》きの ｜書類《しょるい》に ひつようです
details-error-too_long = { $max }｜文字《もじ》までで かいてください
details-error-control = とくべつな ｜文字《もじ》を けしてください
details-error-katakana = ｜全角《ぜんかく》の カタカナで かいてください（れい：ヤマダ タロウ）
details-error-date = この ｜日《ひ》は ありません
details-error-born_too_early = ｜生《う》まれた ｜年《とし》を たしかめてください
details-error-died_before_birth = ｜亡《な》くなった ｜日《ひ》が、｜生《う》まれた ｜日《ひ》より ｜前《まえ》です
details-error-died_in_future = ｜亡《な》くなった ｜日《ひ》が、きょうより ｜後《あと》です
details-error-phone = ｜電話番号《でんわばんごう》が まちがっています
details-error-account_kind = ｜口座《こうざ》の ｜種類《しゅるい》を えらんでください
details-error-account_digits = ｜口座番号《こうざばんごう》は 7けたの ｜数字《すうじ》で かいてください
details-resv-given = かいた こと：{ $groups }
details-resv-none = まだ かいていません
details-resv-until = { $date }まで、かいたり なおしたり できます。
details-resv-closed = ｜市役所《しやくしょ》に ｜来《く》る ｜日《ひ》からは、｜窓口《まどぐち》の ｜係《かかり》の ｜人《ひと》に いってください。
details-resv-change = ｜書類《しょるい》に かく ことを いれる・なおす
details-resv-keep = かかなかった ところは、｜前《まえ》に かいた ことが そのまま のこります。あなたの ことを まもる ために、かいた ことは もう ｜一度《いちど》 みせません。
details-resv-save = ほぞんする
details-resv-saved = ほぞんしました
details-resv-nothing = なにも かいていないので、かえていません
details-resv-failed = ほぞん できませんでした
details-resv-back = ｜予約《よやく》の ページへ もどる
