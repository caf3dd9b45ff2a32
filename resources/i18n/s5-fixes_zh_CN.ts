<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
    <context>
        <name>DuePlacesPanel</name>
        <message>
            <source>1 hazard overdue</source>
            <translation>1项隐患逾期</translation>
        </message>
        <message>
            <source>due 1 day ago</source>
            <translation>已到期1天</translation>
        </message>
    </context>
    <context>
        <name>PlacesCheckDialog</name>
        <message>
            <source>The file has 1 problem: nothing was imported. Correct the cell below and import it again.</source>
            <translation>文件中有1处问题，未导入任何内容。请改正下列单元格后重新导入。</translation>
        </message>
    </context>
    <context>
        <name>PlacesExcel</name>
        <message>
            <source>Nothing was imported: the file has 1 problem</source>
            <translation>未导入任何内容：文件中有1处问题</translation>
        </message>
        <message>
            <source>Imported: {0} new place, {1} updated</source>
            <translation>已导入：新增{0}个场所，更新{1}个</translation>
        </message>
        <message>
            <source>1 place exported to {1}</source>
            <translation>已导出1个场所到 {1}</translation>
        </message>
    </context>
    <context>
        <name>PlaceCardView</name>
        <message>
            <source>Inspected every day</source>
            <translation>每天检查一次</translation>
        </message>
        <message>
            <source>Delete…</source>
            <translation>删除…</translation>
        </message>
        <message>
            <source>Only grid workers, dispatchers and administrators change the places' register</source>
            <translation>只有网格员、社区工作人员和管理员可以修改场所台账</translation>
        </message>
        <message>
            <source>Sign off or escalate its open hazards first</source>
            <translation>请先将其未整改的隐患销号或上报</translation>
        </message>
        <message>
            <source>Delete this place from the register (its inspections stay on record)</source>
            <translation>从台账中删除该场所（检查记录保留）</translation>
        </message>
    </context>
    <context>
        <name>HazardRow</name>
        <message>
            <source>extended once</source>
            <translation>已延期1次</translation>
        </message>
    </context>
    <context>
        <name>InspectDialog</name>
        <message>
            <source>Saved. 1 hazard was found: print the rectification notice for the person in charge to sign.</source>
            <translation>已保存。发现1项隐患：请打印整改通知书，交场所负责人签收。</translation>
        </message>
    </context>
    <context>
        <name>ListCompareDialog</name>
        <message>
            <source>{0} · sheet “{1}” · header on row {2} · 1 row</source>
            <translation>{0} · 工作表“{1}” · 表头在第 {2} 行 · 共 1 行</translation>
        </message>
        <message>
            <source>1 row</source>
            <translation>1 行</translation>
        </message>
        <message>
            <source>{0} rows</source>
            <translation>{0} 行</translation>
        </message>
        <message>
            <source>1 person</source>
            <translation>1 人</translation>
        </message>
        <message>
            <source>{0} people</source>
            <translation>{0} 人</translation>
        </message>
        <message>
            <source>{0} of the list compared with {1} of the register; {2} the same.</source>
            <translation>名单 {0}已与登记簿中的 {1}比对，其中 {2} 人信息一致。</translation>
        </message>
        <message>
            <source>1 row has nothing in the chosen columns and was not compared.</source>
            <translation>另有 1 行在所选列中没有内容，未比对。</translation>
        </message>
        <message>
            <source>Walk-round “{0}” planned: 1 household, on the Visits page.</source>
            <translation>已安排巡查“{0}”：1 户，可在走访页查看。</translation>
        </message>
        <message>
            <source>Only grid workers, dispatchers and administrators plan visits</source>
            <translation>只有网格员、社区工作人员和管理员可以安排走访</translation>
        </message>
    </context>
    <context>
        <name>EvaluationTab</name>
        <message>
            <source>Saved 1 workbook in {1}.</source>
            <translation>已在{1}保存1个工作簿。</translation>
        </message>
    </context>
    <context>
        <name>ShopTab</name>
        <message>
            <source>{0} (1 point)</source>
            <translation>{0}（1分）</translation>
        </message>
    </context>
    <context>
        <name>PointsTab</name>
        <message>
            <source>{0}: 1 point</source>
            <translation>{0}：1分</translation>
        </message>
    </context>
    <context>
        <name>ActivitiesTab</name>
        <message>
            <source>Points awarded to 1 member.</source>
            <translation>已为1名党员记分。</translation>
        </message>
    </context>
    <context>
        <name>VisitsPage</name>
        <message>
            <source>Visits {0} · 1 household</source>
            <translation>走访 {0} · 1户</translation>
        </message>
        <message>
            <source>Only grid workers, dispatchers and administrators plan visits</source>
            <translation>只有网格员、社区工作人员和管理员可以安排走访</translation>
        </message>
    </context>
    <context>
        <name>PlacesPage</name>
        <message>
            <source>1 place</source>
            <translation>共1个场所</translation>
        </message>
        <message>
            <source>Delete the place</source>
            <translation>删除场所</translation>
        </message>
        <message>
            <source>Delete “{0}” from the places' register? Its inspections stay on record; the place is deleted on the server at the next sync.</source>
            <translation>从场所台账中删除“{0}”？检查记录保留；下次同步时服务器上也会删除该场所。</translation>
        </message>
        <message>
            <source>Delete</source>
            <translation>删除</translation>
        </message>
        <message>
            <source>Not deleted: {0}</source>
            <translation>未删除：{0}</translation>
        </message>
        <message>
            <source>“{0}” was deleted.</source>
            <translation>已删除“{0}”。</translation>
        </message>
    </context>
    <context>
        <name>SyncStatusWidget</name>
        <message>
            <source>Syncing… 1 record received</source>
            <translation>正在同步…已收到 1 条</translation>
        </message>
        <message>
            <source>{0} to send</source>
            <translation>{0} 条待上传</translation>
        </message>
        <message>
            <source>Syncing… {0}</source>
            <translation>正在同步…已收到 {0} 条</translation>
        </message>
    </context>
    <context>
        <name>PlaceFiguresPanel</name>
        <message>
            <source>Found in this period</source>
            <translation>本期发现隐患</translation>
        </message>
        <message>
            <source>Overdue now</source>
            <translation>当前逾期隐患</translation>
        </message>
        <message>
            <source>This period, by kind and grid</source>
            <translation>本期按场所类型和网格统计</translation>
        </message>
        <message>
            <source>Overdue now, all periods</source>
            <translation>当前逾期未整改的隐患（不限期间）</translation>
        </message>
        <message>
            <source>Hazards found in this period</source>
            <translation>本期发现的隐患</translation>
        </message>
        <message>
            <source>Of those overdue</source>
            <translation>其中逾期</translation>
        </message>
    </context>
    <context>
        <name>CalendarWarning</name>
        <message>
            <source>⚠ No {0} holiday calendar</source>
            <translation>⚠ 节假日表缺少 {0} 年</translation>
        </message>
        <message>
            <source>⚠ No {0} holiday calendar: deadlines count Monday to Friday only</source>
            <translation>⚠ 节假日表缺少 {0} 年：这些年份的期限只按周一至周五计算</translation>
        </message>
    </context>
    <context>
        <name>MainWindow</name>
        <message>
            <source>{name} · {role}</source>
            <translation>{name} · {role}</translation>
        </message>
    </context>
    <context>
        <name>SyncText</name>
        <message>
            <source>{0} refused</source>
            <translation>{0} 项被服务器拒绝</translation>
        </message>
        <message>
            <source>synced {0}</source>
            <translation>上次同步 {0}</translation>
        </message>
    </context>
    <context>
        <name>SyncPage</name>
        <message>
            <source>Discard…</source>
            <translation>丢弃…</translation>
        </message>
        <message>
            <source>Remove this record from this computer: the server refused it and never had it</source>
            <translation>从本机删除该记录：服务器拒绝了它，从未收到过</translation>
        </message>
        <message>
            <source>Only a record the server never had can be discarded; mark an edit as read and change the record again if needed</source>
            <translation>只能丢弃服务器从未收到的记录；对已有记录的修改请标为已读，需要时重新修改</translation>
        </message>
        <message>
            <source>Discard the refused record</source>
            <translation>丢弃被拒绝的记录</translation>
        </message>
        <message>
            <source>Discard {0}? The server refused it and never had it: it is removed from this computer, and cannot be brought back.</source>
            <translation>丢弃{0}？服务器拒绝了它、从未收到过：它将从本机删除，且无法恢复。</translation>
        </message>
        <message>
            <source>Discard</source>
            <translation>丢弃</translation>
        </message>
        <message>
            <source>Discarded: {0}</source>
            <translation>已丢弃：{0}</translation>
        </message>
    </context>
</TS>
