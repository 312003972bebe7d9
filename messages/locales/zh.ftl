# 中文（简体）— visitor-facing messages only; staff screens (console-, stats-,
# admin-, res-, prep-) stay Japanese/English. Ids and order follow ja.ftl.
office-demo-note = 这是用于演示的虚构市政府
# Display board
board-now-calling = 正在叫号
board-recent = 叫号记录
board-services = 等候情况
board-waiting = { $count }人等候
board-wait = 约{ $minutes }分钟
board-wait-none = 无需等候
board-booths = 窗口
booth-open = 受理中
booth-paused = 暂停
booth-closed = 已关闭
board-reconnecting = 正在重新连接…
board-no-calls = 我们按号码叫号。请坐下稍候。
board-go-to = 请到{ $booth }
# Also drawn with a font cut down to this line's characters
# (scripts/subset-fonts): changing it needs a new subset.
board-guidance = 我们按号码叫号，不叫姓名。请留意屏幕和广播。
announce-call = 请{ $number }号到{ $booth }办理。
announce-recall = 再次叫号：请{ $number }号到{ $booth }办理。
# Kiosk
kiosk-title = 受理
kiosk-welcome-scan = 请将预约二维码对准扫描器
kiosk-welcome-scan-hint = 请将预约确认邮件或手机屏幕上的二维码对准下方的扫描器
kiosk-welcome-walkin = 没有预约的来访者
kiosk-checking = 正在确认…
kiosk-retrying = 正在等待受理系统响应，请稍候…
kiosk-offline-banner = 无法连接受理系统。请联系工作人员
kiosk-walkin-title = 请选择要办理的手续（可多选）
kiosk-reservation-only-tag = 需预约
kiosk-priority = 优先受理（孕妇、老年人、残障人士）
kiosk-confirm = 取号
kiosk-back = 返回
kiosk-ticket-your-number = 您的号码
kiosk-ticket-procedures = 手续
kiosk-ticket-where = 请在{ $place }等候
kiosk-ticket-ahead = 前面还有{ $count }人
kiosk-ticket-wait = 预计等候{ $low }～{ $high }分钟
kiosk-ticket-no-wait = 马上就会叫到您
kiosk-ticket-phone = 用手机扫码，可以查看排队进度
kiosk-ticket-called = 叫号时会在屏幕上显示并语音播报
kiosk-ticket-done = 关闭
kiosk-ticket-print-failed = 号码单未能打印。请记下屏幕上的号码
kiosk-ask-staff = 麻烦您联系工作人员
kiosk-error-title = 未能受理
kiosk-error-unknown_code = 找不到与此二维码对应的预约
kiosk-error-malformed_code = 未能识别二维码。请再对准扫描器一次
kiosk-error-cancelled = 此预约已取消
kiosk-error-too_early = 还没到受理时间。请在预约时间快到时再扫描一次
kiosk-error-too_late = 已超过预约时间
kiosk-error-wrong_day = 这是其他日期的预约
kiosk-error-wrong_office = 此预约在其他办事处。请查看预约邮件中的地点
kiosk-error-already_used = 此预约已经受理过了
kiosk-error-reservation_only = 此手续需要预约
kiosk-error-office_closed = 现在不是受理时间
kiosk-error-unauthorized = 本机尚未登记
kiosk-error-offline = 无法连接受理系统，未能取号
kiosk-error-other = 本机无法受理
kiosk-retry = 再试一次
kiosk-start-over = 返回首页
kiosk-select-one = 请至少选择一项手续
# Phone status page
status-title = 排队信息
status-waiting = 请稍候
status-next = 马上就会叫到您
status-ahead = 前面还有{ $count }人
status-wait = 预计等候{ $low }～{ $high }分钟
status-called = 正在叫您的号码
status-go = 请到{ $booth }
status-serving = 正在为您办理
status-done = 手续已办理完毕。谢谢您
status-no-show = 已叫过您的号码，但您当时不在
status-cancelled = 此号码单已取消
status-expired = 此号码票的受理日已结束，不能再使用。请重新取号。
status-place = 地点
status-unknown = 找不到此号码单
status-live = 本页面会自动更新
status-offline = 连接已断开，正在重新连接…
status-reload = 本页面每30秒更新一次
# Reservation page
resv-unknown = 找不到此预约
resv-unknown-hint = 请再确认一下二维码或链接。也可以打电话更改预约
resv-qr-title = 受理用二维码
resv-qr-alt = 对准受理机扫描的二维码
resv-qr-hint = 来访时，请将此二维码对准入口处的受理机
resv-ics = 添加到日历（.ics）
resv-checklist-note = 根据您事先填写的内容生成。当天工作人员会为您说明
resv-cancel = 取消预约
resv-cancel-ask = 要取消此预约吗？
resv-cancel-yes = 取消预约
resv-cancel-no = 不取消
resv-cancel-failed = 此预约未能取消
# Congestion page
cong-title = 窗口拥挤情况
cong-updated = 截至{ $time }
cong-lamp-blue = 不拥挤
cong-lamp-yellow = 较拥挤
cong-lamp-red = 拥挤
cong-usual = 各时段平时的等候时间（分钟，过去{ $weeks }周）
cong-note = 周一、节假日后第一天、3～4月以及11:00～14:00人较多。显示内容每分钟更新一次
cong-refresh = 刷新
visitor-site = 市政府窗口指南
visitor-home-book-note = 可以在网上预约来办理的日期和时间
visitor-home-cong-note = 现在有多少人在等候，大约要等多久
visitor-home-board = 正在呼叫的号码
visitor-home-board-note = 各窗口正在呼叫的号码（与等候区的屏幕相同）
visitor-home-ticket-note = 扫描号码票上的二维码，可以查看您的顺序
visitor-home-staff = 职员用画面
# Web booking
book-title = 网上预约
book-choose-service = 请选择手续
book-unknown-service = 该手续无法预约
book-back = 返回
book-choose-time = 请选择您希望的日期和时间
book-no-days = 此期间没有可预约的日期
book-day = { $month }/{ $day }（{ $weekday }）
book-wd-mon = 周一
book-wd-tue = 周二
book-wd-wed = 周三
book-wd-thu = 周四
book-wd-fri = 周五
book-wd-sat = 周六
book-wd-sun = 周日
book-free = 可预约
book-full = 已约满
# A time that cannot be booked online any more (inside the lead time), or not yet (beyond the horizon).
book-too-late = 预约已截止
book-too-far = 尚未开放
book-lead-note = 此手续请至少提前{ $days }个工作日预约
book-earlier = 上一周
book-later = 下一周
book-form-title = 预约内容
book-when = { $service }　{ $date } { $time }起
book-name = 姓名
book-phone = 电话号码
book-email = 电子邮箱
book-contact-hint = 请填写电话号码或电子邮箱（任选其一）
book-questions = 来访前的问题
book-questions-hint = 我们会根据您的回答，告诉您需要办理的手续和需要携带的物品
book-optional = 选填
book-to-confirm = 下一步：确认
book-confirm-title = 确认内容
book-book-it = 确认预约
book-edit = 修改
book-bad-time = 该时间无法预约。请选择其他时间
book-err-summary = 请检查填写的内容
book-err-name = 请填写姓名
book-err-name-long = 姓名请不要超过100个字
book-err-contact = 请填写电话号码或电子邮箱
book-err-phone = 电话号码格式不正确
book-err-email = 电子邮箱格式不正确
book-err-answer = 请回答此问题
book-err-full = 非常抱歉，该时间刚刚约满
book-err-other = 未能完成预约
resv-booked = 预约成功
resv-qr-png = 将二维码保存为图片

# E-mail (turn notification, booking confirmation)
mail-booking-subject = 【{ $office }】预约成功
mail-booking-intro = 感谢您的预约。您的预约内容如下。
mail-field-number = 预约号码
mail-field-service = 手续
mail-field-when = 日期时间
mail-field-office = 办事处
mail-field-where = 地点
mail-booking-qr = 来访时，请将附件中的二维码（或下方链接页面上的二维码）对准入口处的受理机。
mail-booking-manage = 查看或取消预约、手续清单
mail-ahead-subject = 【{ $office }】快轮到您了（{ $number }）
mail-ahead-body = 号码 { $number } 前面还有 { $count } 人。请在窗口附近等候。
mail-next-body = 下一个就叫号码 { $number }。请在窗口附近等候。
mail-called-subject = 【{ $office }】正在叫号码 { $number }
mail-called-body = 正在叫号码 { $number }。请到{ $booth }（{ $place }）。
mail-status-link = 当前排队情况
mail-footer = 本邮件由系统自动发送，请勿回复。如果这封邮件与您无关，请将其删除。
# The phone status page's e-mail form
notify-title = 快轮到您时发邮件通知
notify-email = 电子邮箱
notify-ahead = 前面剩下几人时通知
notify-ahead-option = { $count }人
notify-submit = 登记
notify-done = 已登记。前面还剩{ $count }人时，以及叫到您的号码时，我们会发邮件到{ $email }
notify-bad-email = 电子邮箱格式不正确
notify-finished = 此号码单的手续已经办理完毕

# Languages: each catalogue names itself (language choosers on kiosk and pages)
language-name = 中文
language-choose = 语言
# What the voice says (espeak-ng voice cmn); { $number } arrives already
# spelled for speech (A012 → A 12).
voice-call = 请{ $number }号到{ $booth }办理。
voice-recall = 再次叫号。请{ $number }号到{ $booth }办理。
# Kiosk voice guidance and large print
kiosk-speak = 语音提示
kiosk-large-text = 大字号
kiosk-normal-text = 标准字号
kiosk-say-welcome = 有预约的，请将预约二维码对准下方的扫描器。没有预约的，请点击屏幕上的“没有预约的来访者”。
kiosk-say-walkin = 请选择手续，然后点击“取号”。可以选择多项。
kiosk-say-ticket = 您的号码是{ $number }号。手续是：{ $procedures }。请在{ $place }等候。
kiosk-say-wait = 预计等候{ $low }到{ $high }分钟。
kiosk-say-checking = 正在确认，请稍候。
kiosk-say-error = 未能受理。{ $reason }。

# The reservation page (visitor's view of the booking and its checklist)
resv-number = 预约号码
resv-reason = 原因
resv-state-booked = 已预约
resv-state-cancelled = 已取消
resv-state-checked_in = 已受理
resv-state-completed = 手续已办理完毕
resv-state-no_show = 未来访
resv-checklist = 手续清单
resv-form = 表格
resv-how = 需要携带的物品、办理内容
resv-deadline = 期限
resv-at-department = 在主管科室办理
book-yes = 是
book-no = 否

office-choose = 请选择办事处
office-unknown = 没有这个办事处
office-open-now = 正在受理
office-closed-now = 非受理时间
office-hours-today = 今天受理时间 { $hours }
office-closed-today = 今天休息
office-address = 地址
cong-shortest = 现在最快：{ $office }（约 { $minutes } 分钟）
cong-shortest-title = 如果现在就去

# The family's take-home summary (PDF, issue 20).
summary-title = 丧事手续窗口（おくやみコーナー）手续汇总
summary-visit = { $date } 来访
summary-done = 今天已在丧事手续窗口办完的手续
summary-left = 之后需在负责窗口办理的手续
summary-where = 地点
summary-none = 无
summary-note = 如有不明之处，请咨询丧事手续窗口。
