# 日本語 — the reference language; every message exists here.
office-demo-note = デモ用の架空の市役所です
board-now-calling = ただいまのお呼び出し
board-recent = 呼出履歴
board-services = 待ち状況
board-waiting = { $count }人待ち
board-wait = 約{ $minutes }分
board-wait-none = すぐにご案内
board-booths = 窓口
booth-open = 受付中
booth-paused = 休止中
booth-closed = 閉鎖
board-reconnecting = 再接続中…
board-no-calls = 番号でお呼びします。お掛けになってお待ちください。
board-go-to = { $booth }へ
board-guidance = お名前ではなく番号でお呼びします。画面と音声でお知らせします。
announce-call = { $number }番の方、{ $booth }へお越しください。
announce-recall = もう一度お呼びします。{ $number }番の方、{ $booth }へお越しください。
