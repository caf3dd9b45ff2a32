<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
    <context>
        <name>BuildingEditor</name>
        <message>
            <location filename="../../ui/widgets/register_building_editor.py" line="36" />
            <source>Edit building {0}</source>
            <translation>编辑楼栋 {0}</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_building_editor.py" line="36" />
            <source>New building</source>
            <translation>新增楼栋</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_building_editor.py" line="46" />
            <source>e.g. 翡翠家园; empty for a street</source>
            <translation>例如：翡翠家园；临街楼栋可不填</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_building_editor.py" line="48" />
            <source>e.g. 3幢</source>
            <translation>例如：3幢</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_building_editor.py" line="50" />
            <source>street and number</source>
            <translation>街道和门牌号</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_building_editor.py" line="61" />
            <source>&amp;Grid:</source>
            <translation>所属网格(&amp;G)：</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_building_editor.py" line="62" />
            <source>&amp;Estate:</source>
            <translation>小区(&amp;E)：</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_building_editor.py" line="63" />
            <source>&amp;Building:</source>
            <translation>楼栋(&amp;B)：</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_building_editor.py" line="64" />
            <source>&amp;Address:</source>
            <translation>地址(&amp;A)：</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_building_editor.py" line="65" />
            <source>&amp;Units:</source>
            <translation>单元数(&amp;U)：</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_building_editor.py" line="66" />
            <source>&amp;Floors:</source>
            <translation>层数(&amp;F)：</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_building_editor.py" line="67" />
            <source>&amp;Latitude:</source>
            <translation>纬度(&amp;L)：</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_building_editor.py" line="68" />
            <source>L&amp;ongitude:</source>
            <translation>经度(&amp;O)：</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_building_editor.py" line="69" />
            <source>N&amp;otes:</source>
            <translation>备注(&amp;N)：</translation>
        </message>
    </context>
    <context>
        <name>BuildingsModel</name>
        <message>
            <location filename="../../ui/models/register_tables.py" line="114" />
            <source>Estate</source>
            <translation>小区</translation>
        </message>
        <message>
            <location filename="../../ui/models/register_tables.py" line="115" />
            <source>Building</source>
            <translation>楼栋</translation>
        </message>
        <message>
            <location filename="../../ui/models/register_tables.py" line="116" />
            <source>Grid</source>
            <translation>所属网格</translation>
        </message>
        <message>
            <location filename="../../ui/models/register_tables.py" line="117" />
            <source>Households</source>
            <translation>户数</translation>
        </message>
        <message>
            <location filename="../../ui/models/register_tables.py" line="118" />
            <source>Units</source>
            <translation>单元数</translation>
        </message>
        <message>
            <location filename="../../ui/models/register_tables.py" line="119" />
            <source>Floors</source>
            <translation>层数</translation>
        </message>
        <message>
            <location filename="../../ui/models/register_tables.py" line="120" />
            <source>Address</source>
            <translation>地址</translation>
        </message>
    </context>
    <context>
        <name>CellErrorsModel</name>
        <message>
            <location filename="../../ui/widgets/register_import.py" line="123" />
            <source>Sheet</source>
            <translation>工作表</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_import.py" line="123" />
            <source>Row</source>
            <translation>行</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_import.py" line="123" />
            <source>Column</source>
            <translation>列</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_import.py" line="123" />
            <source>Problem</source>
            <translation>问题</translation>
        </message>
    </context>
    <context>
        <name>DraftBanner</name>
        <message>
            <location filename="../../ui/widgets/register_form.py" line="70" />
            <source>Restore the draft</source>
            <translation>恢复草稿</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_form.py" line="71" />
            <source>Discard it</source>
            <translation>丢弃草稿</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_form.py" line="82" />
            <source>Unsaved edits from {0} were kept as a draft.</source>
            <translation>{0} 有未保存的修改，已存为草稿。</translation>
        </message>
    </context>
    <context>
        <name>EditorDialog</name>
        <message>
            <location filename="../../ui/widgets/register_form.py" line="279" />
            <source>Unsaved edits</source>
            <translation>修改未保存</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_form.py" line="280" />
            <source>This form has edits that are not saved.</source>
            <translation>此表单有尚未保存的修改。</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_form.py" line="281" />
            <source>A draft keeps them on this computer, to finish later.</source>
            <translation>存为草稿可保留在本机，稍后继续填写。</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_form.py" line="282" />
            <source>Save</source>
            <translation>保存</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_form.py" line="283" />
            <source>Keep as draft</source>
            <translation>存为草稿</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_form.py" line="284" />
            <source>Discard edits</source>
            <translation>放弃修改</translation>
        </message>
    </context>
    <context>
        <name>ErrorDialog</name>
        <message>
            <location filename="../../ui/errors.py" line="65" />
            <source>Something went wrong</source>
            <translation>出现问题</translation>
        </message>
        <message>
            <location filename="../../ui/errors.py" line="74" />
            <source>GridWorker ran into a problem it did not expect.</source>
            <translation>网格员工作台遇到了一个意外问题。</translation>
        </message>
        <message>
            <location filename="../../ui/errors.py" line="80" />
            <source>Your work is still on screen and everything already saved is safe. If it happens again, copy the report below and send it to your support contact.</source>
            <translation>您正在做的工作仍在屏幕上，已保存的内容都安全。如果再次出现，请复制下面的报告，发给技术支持人员。</translation>
        </message>
        <message>
            <location filename="../../ui/errors.py" line="91" />
            <source>Copy report</source>
            <translation>复制报告</translation>
        </message>
        <message>
            <location filename="../../ui/errors.py" line="111" />
            <source>Copied</source>
            <translation>已复制</translation>
        </message>
    </context>
    <context>
        <name>ExcelExport</name>
        <message>
            <location filename="../../ui/widgets/register_export.py" line="63" />
            <location filename="../../ui/widgets/register_export.py" line="82" />
            <location filename="../../ui/widgets/register_export.py" line="95" />
            <location filename="../../ui/widgets/register_export.py" line="107" />
            <source>Export</source>
            <translation>导出</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_export.py" line="63" />
            <source>What should be exported?</source>
            <translation>要导出哪些数据？</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_export.py" line="65" />
            <source>Only “{0}”</source>
            <translation>仅“{0}”</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_export.py" line="66" />
            <source>The whole register</source>
            <translation>全部台账</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_export.py" line="82" />
            <source>Writing {0}…</source>
            <translation>正在写入 {0}…</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_export.py" line="93" />
            <source>Exported to {0}:
buildings {1}, households {2}, people {3}.</source>
            <translation>已导出到 {0}：
楼栋 {1} 栋，住户 {2} 户，人员 {3} 人。</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_export.py" line="96" />
            <source>Show the folder</source>
            <translation>打开所在文件夹</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_export.py" line="115" />
            <source>Could not write {0}: {1}</source>
            <translation>无法写入 {0}：{1}</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_export.py" line="124" />
            <source>Download template</source>
            <translation>下载导入模板</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_export.py" line="127" />
            <source>The template was saved to {0}.</source>
            <translation>模板已保存到 {0}。</translation>
        </message>
    </context>
    <context>
        <name>ExcelImport</name>
        <message>
            <location filename="../../ui/widgets/register_import.py" line="278" />
            <source>Checking {0}…</source>
            <translation>正在检查 {0}…</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_import.py" line="278" />
            <source>Importing {0}…</source>
            <translation>正在导入 {0}…</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_import.py" line="279" />
            <location filename="../../ui/widgets/register_import.py" line="311" />
            <source>Import from Excel</source>
            <translation>从 Excel 导入</translation>
        </message>
    </context>
    <context>
        <name>HouseholdEditor</name>
        <message>
            <location filename="../../ui/widgets/register_household_editor.py" line="29" />
            <source>Edit household</source>
            <translation>编辑住户</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_household_editor.py" line="29" />
            <source>New household</source>
            <translation>新增住户</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_household_editor.py" line="34" />
            <source>from the room number if empty</source>
            <translation>留空则按房号推算</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_household_editor.py" line="36" />
            <source>made from building, unit and room if empty</source>
            <translation>留空则由楼栋、单元、房号生成</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_household_editor.py" line="48" />
            <source>(no building: give the address)</source>
            <translation>（无楼栋，请填写地址）</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_household_editor.py" line="50" />
            <source>Building:</source>
            <translation>楼栋：</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_household_editor.py" line="51" />
            <source>&amp;Unit:</source>
            <translation>单元(&amp;U)：</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_household_editor.py" line="52" />
            <source>&amp;Room:</source>
            <translation>房号(&amp;R)：</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_household_editor.py" line="53" />
            <source>&amp;Floor:</source>
            <translation>楼层(&amp;F)：</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_household_editor.py" line="54" />
            <source>&amp;Address:</source>
            <translation>地址(&amp;A)：</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_household_editor.py" line="55" />
            <source>&amp;Housing:</source>
            <translation>住房性质(&amp;H)：</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_household_editor.py" line="56" />
            <source>&amp;Phone:</source>
            <translation>电话(&amp;P)：</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_household_editor.py" line="57" />
            <source>H&amp;ead:</source>
            <translation>户主(&amp;E)：</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_household_editor.py" line="58" />
            <source>N&amp;otes:</source>
            <translation>备注(&amp;O)：</translation>
        </message>
    </context>
    <context>
        <name>HouseholdView</name>
        <message>
            <location filename="../../ui/widgets/register_household_view.py" line="57" />
            <location filename="../../ui/widgets/register_household_view.py" line="91" />
            <location filename="../../ui/widgets/register_household_view.py" line="133" />
            <source>Household</source>
            <translation>住户</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_household_view.py" line="60" />
            <source>Edit household</source>
            <translation>编辑住户</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_household_view.py" line="61" />
            <source>Add resident</source>
            <translation>新增成员</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_household_view.py" line="62" />
            <source>Show numbers</source>
            <translation>显示完整号码</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_household_view.py" line="92" />
            <source>Choose a person or a household to see who lives there.</source>
            <translation>选择一个人或一户，查看这户住着谁。</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_household_view.py" line="135" />
            <source>{0} living here</source>
            <translation>在住 {0} 人</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_household_view.py" line="137" />
            <source>Phone {0}</source>
            <translation>电话 {0}</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_household_view.py" line="139" />
            <source>Who lived here</source>
            <translation>居住历史</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_household_view.py" line="139" />
            <source>Visits</source>
            <translation>走访记录</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_household_view.py" line="146" />
            <source>Nobody lives here now.</source>
            <translation>目前无人居住。</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_household_view.py" line="153" />
            <source>age {0}</source>
            <translation>{0}岁</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_household_view.py" line="169" />
            <source>No history recorded.</source>
            <translation>暂无居住历史。</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_household_view.py" line="173" />
            <source>now</source>
            <translation>至今</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_household_view.py" line="177" />
            <source>{name} ({relation}): {since} → {until}</source>
            <translation>{name}（{relation}）：{since} → {until}</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_household_view.py" line="178" />
            <source>(record deleted)</source>
            <translation>（记录已删除）</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_household_view.py" line="185" />
            <source>Not visited yet.</source>
            <translation>尚未走访。</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_household_view.py" line="143" />
            <source>The server refused this household: {0}. It is on this computer only; see the Sync page.</source>
            <translation>服务器拒绝了这户：{0}。它只保存在本机；详见“同步”页面。</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_household_view.py" line="200" />
            <source>refused by the server: {0}</source>
            <translation>被服务器拒绝：{0}</translation>
        </message>
    </context>
    <context>
        <name>HouseholdsModel</name>
        <message>
            <location filename="../../ui/models/register_tables.py" line="102" />
            <source>Address</source>
            <translation>住址</translation>
        </message>
        <message>
            <location filename="../../ui/models/register_tables.py" line="103" />
            <source>Head</source>
            <translation>户主</translation>
        </message>
        <message>
            <location filename="../../ui/models/register_tables.py" line="104" />
            <source>People</source>
            <translation>人数</translation>
        </message>
        <message>
            <location filename="../../ui/models/register_tables.py" line="105" />
            <source>Housing</source>
            <translation>住房性质</translation>
        </message>
        <message>
            <location filename="../../ui/models/register_tables.py" line="106" />
            <source>Phone</source>
            <translation>电话</translation>
        </message>
    </context>
    <context>
        <name>ImportReportDialog</name>
        <message>
            <location filename="../../ui/widgets/register_import.py" line="158" />
            <source>Import from Excel: {0}</source>
            <translation>从 Excel 导入：{0}</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_import.py" line="186" />
            <source>Copy the report</source>
            <translation>复制报告</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_import.py" line="189" />
            <source>Cancel</source>
            <translation>取消</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_import.py" line="189" />
            <source>Close</source>
            <translation>关闭</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_import.py" line="207" />
            <source>Import the good rows only</source>
            <translation>只导入正确的行</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_import.py" line="207" />
            <source>Import</source>
            <translation>导入</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_import.py" line="219" />
            <source>Checked: no problem found. Nothing is changed until you import.</source>
            <translation>检查完毕：没有发现错误。点“导入”后才会写入台账。</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_import.py" line="215" />
            <source>1 problem</source>
            <translation>1 处错误</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_import.py" line="215" />
            <source>{0} problems</source>
            <translation>{0} 处错误</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_import.py" line="217" />
            <source>Checked: {0} found. Nothing was changed.</source>
            <translation>检查完毕：发现{0}，未做任何修改。</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_import.py" line="221" />
            <source>Nothing was imported: {0} found.</source>
            <translation>未导入任何数据：发现{0}。</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_import.py" line="223" />
            <source>The good rows were imported; the rows with the {0} below were skipped.</source>
            <translation>已导入正确的行；下列{0}所在的行已跳过。</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_import.py" line="224" />
            <source>Import complete.</source>
            <translation>导入完成。</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_import.py" line="227" />
            <source>Sheet</source>
            <translation>工作表</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_import.py" line="227" />
            <source>New</source>
            <translation>新增</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_import.py" line="227" />
            <source>Updated</source>
            <translation>更新</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_import.py" line="227" />
            <source>Unchanged</source>
            <translation>未变</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_import.py" line="227" />
            <source>With problems</source>
            <translation>有错误</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_import.py" line="229" />
            <source>To add</source>
            <translation>将新增</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_import.py" line="229" />
            <source>To update</source>
            <translation>将更新</translation>
        </message>
    </context>
    <context>
        <name>LeaveDialog</name>
        <message>
            <location filename="../../ui/widgets/register_dialogs.py" line="168" />
            <source>{0} has died</source>
            <translation>{0} 死亡注销</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_dialogs.py" line="168" />
            <source>{0} moved out</source>
            <translation>{0} 迁出</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_dialogs.py" line="171" />
            <source>Date of death:</source>
            <translation>死亡日期：</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_dialogs.py" line="171" />
            <source>Moved out &amp;on:</source>
            <translation>迁出日期(&amp;O)：</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_dialogs.py" line="176" />
            <source>e.g. moved to another city</source>
            <translation>例如：迁往外地</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_dialogs.py" line="177" />
            <source>&amp;Reason:</source>
            <translation>原因(&amp;R)：</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_dialogs.py" line="180" />
            <source>The person stays in the register's history; their stay in the household ends on this date.</source>
            <translation>此人仍保留在台账历史中，其在本户的居住记录于该日期结束。</translation>
        </message>
    </context>
    <context>
        <name>MainWindow</name>
        <message>
            <location filename="../../ui/main_window.py" line="139" />
            <source>&amp;Account</source>
            <translation>账户(&amp;A)</translation>
        </message>
        <message>
            <location filename="../../ui/main_window.py" line="140" />
            <source>&amp;Switch account…</source>
            <translation>切换账户(&amp;S)…</translation>
        </message>
        <message>
            <location filename="../../ui/main_window.py" line="142" />
            <source>Sign &amp;out</source>
            <translation>退出登录(&amp;O)</translation>
        </message>
        <message>
            <location filename="../../ui/main_window.py" line="144" />
            <source>Close this account; a linked account also signs out of the server</source>
            <translation>关闭本账户；已关联服务器的账户同时退出服务器登录</translation>
        </message>
        <message>
            <location filename="../../ui/main_window.py" line="146" />
            <source>&amp;Quit</source>
            <translation>退出程序(&amp;Q)</translation>
        </message>
        <message>
            <location filename="../../ui/main_window.py" line="149" />
            <source>&amp;Settings</source>
            <translation>设置(&amp;S)</translation>
        </message>
        <message>
            <location filename="../../ui/main_window.py" line="150" />
            <source>&amp;Language</source>
            <translation>语言(&amp;L)</translation>
        </message>
        <message>
            <location filename="../../ui/main_window.py" line="161" />
            <source>&amp;Help</source>
            <translation>帮助(&amp;H)</translation>
        </message>
        <message>
            <location filename="../../ui/main_window.py" line="162" />
            <source>Open the &amp;log folder</source>
            <translation>打开日志文件夹(&amp;L)</translation>
        </message>
        <message>
            <location filename="../../ui/main_window.py" line="163" />
            <source>&amp;About GridWorker</source>
            <translation>关于网格员工作台(&amp;A)</translation>
        </message>
        <message>
            <location filename="../../ui/main_window.py" line="171" />
            <source>linked to a server</source>
            <translation>已关联服务器</translation>
        </message>
        <message>
            <location filename="../../ui/main_window.py" line="171" />
            <source>offline account</source>
            <translation>离线账户</translation>
        </message>
        <message>
            <location filename="../../ui/main_window.py" line="173" />
            <source>{name} · {role} · account {account} ({where})</source>
            <translation>{name} · {role} · 本机账户 {account}（{where}）</translation>
        </message>
        <message>
            <location filename="../../ui/main_window.py" line="177" />
            <source>Working…</source>
            <translation>正在处理…</translation>
        </message>
        <message>
            <location filename="../../ui/main_window.py" line="239" />
            <source>About GridWorker</source>
            <translation>关于网格员工作台</translation>
        </message>
        <message>
            <location filename="../../ui/main_window.py" line="240" />
            <source>GridWorker {0}
Registers, visits and incidents for community grid workers, offline first.</source>
            <translation>网格员工作台 {0}
社区网格员的台账、走访和事件处置工具，离线优先。</translation>
        </message>
        <message>
            <source>&amp;Go</source>
            <translation>转到(&amp;G)</translation>
        </message>
        <message>
            <source>Sync &amp;now</source>
            <translation>立即同步(&amp;N)</translation>
        </message>
        <message>
            <source>GridWorker</source>
            <translation>网格员工作台</translation>
        </message>
        <message>
            <source>Log folder</source>
            <translation>日志文件夹</translation>
        </message>
        <message>
            <source>No file manager could be opened on this computer. The log files are in this folder:</source>
            <translation>本机无法打开文件管理器。日志文件在此文件夹中：</translation>
        </message>
        <message>
            <location filename="../../ui/main_window.py" line="160" />
            <source>Refused changes and conflicts waiting for you: {0}</source>
            <translation>待您处理的被拒绝修改和冲突：{0} 项</translation>
        </message>
        <message>
            <source>Community &amp;QR codes…</source>
            <translation>社区二维码(&amp;Q)…</translation>
        </message>
    </context>
    <context>
        <name>MergeDialog</name>
        <message>
            <location filename="../../ui/widgets/register_dialogs.py" line="199" />
            <source>Merge duplicate records</source>
            <translation>合并重复记录</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_dialogs.py" line="202" />
            <source>Name</source>
            <translation>姓名</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_dialogs.py" line="202" />
            <source>Gender</source>
            <translation>性别</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_dialogs.py" line="202" />
            <source>Birth date</source>
            <translation>出生日期</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_dialogs.py" line="202" />
            <source>ID number</source>
            <translation>身份证号</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_dialogs.py" line="202" />
            <source>Phone</source>
            <translation>电话</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_dialogs.py" line="203" />
            <source>Address</source>
            <translation>住址</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_dialogs.py" line="207" />
            <source>Keep this record</source>
            <translation>保留此条</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_dialogs.py" line="216" />
            <source>Empty details of the record kept are filled from the other; its history moves over; the other record is deleted.</source>
            <translation>保留的记录中空缺的信息由另一条补齐，居住历史一并转入，另一条记录删除。</translation>
        </message>
    </context>
    <context>
        <name>MoveDialog</name>
        <message>
            <location filename="../../ui/widgets/register_dialogs.py" line="104" />
            <source>Move {0} to another household</source>
            <translation>将 {0} 迁至其他住户</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_dialogs.py" line="106" />
            <source>building and room (e.g. 3幢 502), address, or a resident's name</source>
            <translation>楼栋和房号（如“3幢 502”）、地址或住户中某人的姓名</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_dialogs.py" line="112" />
            <source>&amp;Find the household:</source>
            <translation>查找住户(&amp;F)：</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_dialogs.py" line="113" />
            <source>&amp;Relation to head:</source>
            <translation>与户主关系(&amp;R)：</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_dialogs.py" line="113" />
            <source>Moved &amp;on:</source>
            <translation>迁入日期(&amp;O)：</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_dialogs.py" line="114" />
            <source>&amp;Reason:</source>
            <translation>原因(&amp;R)：</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_dialogs.py" line="137" />
            <source>(nobody lives here yet)</source>
            <translation>（暂无人居住）</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_dialogs.py" line="150" />
            <source>Find and choose the household to move to.</source>
            <translation>请先查找并选择要迁入的住户。</translation>
        </message>
    </context>
    <context>
        <name>PeopleModel</name>
        <message>
            <location filename="../../ui/models/register_tables.py" line="70" />
            <source>Name</source>
            <translation>姓名</translation>
        </message>
        <message>
            <location filename="../../ui/models/register_tables.py" line="71" />
            <source>Gender</source>
            <translation>性别</translation>
        </message>
        <message>
            <location filename="../../ui/models/register_tables.py" line="72" />
            <source>Age</source>
            <translation>年龄</translation>
        </message>
        <message>
            <location filename="../../ui/models/register_tables.py" line="74" />
            <source>Relation</source>
            <translation>与户主关系</translation>
        </message>
        <message>
            <location filename="../../ui/models/register_tables.py" line="77" />
            <source>ID number</source>
            <translation>身份证号</translation>
        </message>
        <message>
            <location filename="../../ui/models/register_tables.py" line="78" />
            <source>Phone</source>
            <translation>电话</translation>
        </message>
        <message>
            <location filename="../../ui/models/register_tables.py" line="75" />
            <source>Address</source>
            <translation>住址</translation>
        </message>
        <message>
            <location filename="../../ui/models/register_tables.py" line="79" />
            <source>Residence</source>
            <translation>户籍类型</translation>
        </message>
        <message>
            <location filename="../../ui/models/register_tables.py" line="76" />
            <source>Tags</source>
            <translation>标签</translation>
        </message>
        <message>
            <location filename="../../ui/models/register_tables.py" line="80" />
            <source>Status</source>
            <translation>状态</translation>
        </message>
    </context>
    <context>
        <name>PersonEditor</name>
        <message>
            <location filename="../../ui/widgets/register_person_editor.py" line="89" />
            <source>Edit {0}</source>
            <translation>编辑 {0}</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_person_editor.py" line="89" />
            <source>New resident</source>
            <translation>新增人员</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_person_editor.py" line="94" />
            <source>18 characters; fills in birth date and gender</source>
            <translation>18位，自动填写出生日期和性别</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_person_editor.py" line="99" />
            <source>mobile or landline</source>
            <translation>手机或固定电话</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_person_editor.py" line="104" />
            <source>e.g. legal advice, electrical repairs</source>
            <translation>例如：法律咨询、水电维修</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_person_editor.py" line="109" />
            <source>(no household)</source>
            <translation>（未关联住户）</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_person_editor.py" line="111" />
            <source>Household:</source>
            <translation>所属住户：</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_person_editor.py" line="112" />
            <source>&amp;Name:</source>
            <translation>姓名(&amp;N)：</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_person_editor.py" line="113" />
            <source>&amp;ID number:</source>
            <translation>身份证号(&amp;I)：</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_person_editor.py" line="114" />
            <source>&amp;Gender:</source>
            <translation>性别(&amp;G)：</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_person_editor.py" line="115" />
            <source>&amp;Birth date:</source>
            <translation>出生日期(&amp;B)：</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_person_editor.py" line="116" />
            <source>&amp;Phone:</source>
            <translation>电话(&amp;P)：</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_person_editor.py" line="117" />
            <source>&amp;Relation to head:</source>
            <translation>与户主关系(&amp;R)：</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_person_editor.py" line="118" />
            <source>R&amp;esidence:</source>
            <translation>户籍类型(&amp;E)：</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_person_editor.py" line="119" />
            <source>&amp;Tags:</source>
            <translation>标签(&amp;T)：</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_person_editor.py" line="120" />
            <source>S&amp;kills:</source>
            <translation>特长(&amp;K)：</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_person_editor.py" line="121" />
            <source>N&amp;otes:</source>
            <translation>备注(&amp;O)：</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_person_editor.py" line="180" />
            <source>Birth date and gender filled in from the ID number.</source>
            <translation>已根据身份证号填写出生日期和性别。</translation>
        </message>
    </context>
    <context>
        <name>ProgressDialog</name>
        <message>
            <location filename="../../ui/widgets/register_import.py" line="91" />
            <source>Stop</source>
            <translation>停止</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_import.py" line="104" />
            <source>%v of %m rows</source>
            <translation>%v / %m 行</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_import.py" line="109" />
            <source>Stopping… nothing will be changed.</source>
            <translation>正在停止…不会做任何修改。</translation>
        </message>
    </context>
    <context>
        <name>RegisterLists</name>
        <message>
            <location filename="../../ui/widgets/register_lists.py" line="119" />
            <source>People ({0})</source>
            <translation>人员（{0}）</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_lists.py" line="120" />
            <source>Households ({0})</source>
            <translation>住户（{0}）</translation>
        </message>
        <message>
            <location filename="../../ui/widgets/register_lists.py" line="121" />
            <source>Buildings ({0})</source>
            <translation>楼栋（{0}）</translation>
        </message>
    </context>
    <context>
        <name>RegisterPage</name>
        <message>
            <location filename="../../ui/pages/register.py" line="66" />
            <location filename="../../ui/pages/register.py" line="251" />
            <source>Whole register</source>
            <translation>全部台账</translation>
        </message>
        <message>
            <location filename="../../ui/pages/register.py" line="72" />
            <source>Search: name, pinyin initials, ID or phone digits, address…</source>
            <translation>搜索：姓名、拼音首字母、身份证号或电话数字、地址…</translation>
        </message>
        <message>
            <location filename="../../ui/pages/register.py" line="75" />
            <source>Include moved out and deceased</source>
            <translation>含迁出、死亡人员</translation>
        </message>
        <message>
            <location filename="../../ui/pages/register.py" line="142" />
            <source>Registers</source>
            <translation>人房台账</translation>
        </message>
        <message>
            <location filename="../../ui/pages/register.py" line="172" />
            <source>New building</source>
            <translation>新增楼栋</translation>
        </message>
        <message>
            <location filename="../../ui/pages/register.py" line="173" />
            <source>New household</source>
            <translation>新增住户</translation>
        </message>
        <message>
            <location filename="../../ui/pages/register.py" line="174" />
            <source>New resident</source>
            <translation>新增人员</translation>
        </message>
        <message>
            <location filename="../../ui/pages/register.py" line="176" />
            <source>Edit</source>
            <translation>编辑</translation>
        </message>
        <message>
            <location filename="../../ui/pages/register.py" line="177" />
            <source>Move…</source>
            <translation>迁至他户…</translation>
        </message>
        <message>
            <location filename="../../ui/pages/register.py" line="178" />
            <source>Moved out…</source>
            <translation>迁出…</translation>
        </message>
        <message>
            <location filename="../../ui/pages/register.py" line="179" />
            <source>Deceased…</source>
            <translation>死亡注销…</translation>
        </message>
        <message>
            <location filename="../../ui/pages/register.py" line="180" />
            <location filename="../../ui/pages/register.py" line="368" />
            <source>Delete</source>
            <translation>删除</translation>
        </message>
        <message>
            <location filename="../../ui/pages/register.py" line="182" />
            <source>Merge duplicates…</source>
            <translation>合并重复…</translation>
        </message>
        <message>
            <location filename="../../ui/pages/register.py" line="182" />
            <source>Select the two records of one person, then merge them</source>
            <translation>选中同一人的两条记录后合并</translation>
        </message>
        <message>
            <location filename="../../ui/pages/register.py" line="186" />
            <source>Show numbers</source>
            <translation>显示完整号码</translation>
        </message>
        <message>
            <location filename="../../ui/pages/register.py" line="187" />
            <source>Show the full ID and phone numbers of the selected rows</source>
            <translation>显示所选行的完整身份证号和电话</translation>
        </message>
        <message>
            <location filename="../../ui/pages/register.py" line="205" />
            <source>Import from Excel…</source>
            <translation>从 Excel 导入…</translation>
        </message>
        <message>
            <location filename="../../ui/pages/register.py" line="206" />
            <source>Export…</source>
            <translation>导出…</translation>
        </message>
        <message>
            <location filename="../../ui/pages/register.py" line="208" />
            <source>Download template…</source>
            <translation>下载导入模板…</translation>
        </message>
        <message>
            <location filename="../../ui/pages/register.py" line="210" />
            <location filename="../../ui/pages/register.py" line="412" />
            <source>Excel</source>
            <translation>Excel</translation>
        </message>
        <message>
            <location filename="../../ui/pages/register.py" line="285" />
            <source>Search “{0}”: {1} people found</source>
            <translation>搜索“{0}”：找到 {1} 人</translation>
        </message>
        <message>
            <location filename="../../ui/pages/register.py" line="369" />
            <source>Delete “{0}” from the register? Use “Moved out” or “Deceased” if that is what happened.</source>
            <translation>从台账中删除“{0}”？如果是迁出或死亡，请改用“迁出”或“死亡注销”。</translation>
        </message>
        <message>
            <location filename="../../ui/pages/register.py" line="377" />
            <source>Not done</source>
            <translation>未能完成</translation>
        </message>
        <message>
            <location filename="../../ui/pages/register.py" line="401" />
            <source>New building here…</source>
            <translation>在此新增楼栋…</translation>
        </message>
        <message>
            <location filename="../../ui/pages/register.py" line="403" />
            <source>Edit building…</source>
            <translation>编辑楼栋…</translation>
        </message>
        <message>
            <location filename="../../ui/pages/register.py" line="404" />
            <source>New household here…</source>
            <translation>在此新增住户…</translation>
        </message>
        <message>
            <location filename="../../ui/pages/register.py" line="405" />
            <source>Export “{0}”…</source>
            <translation>导出“{0}”…</translation>
        </message>
        <message>
            <location filename="../../ui/pages/register.py" line="412" />
            <source>An import or export is under way; wait for it to end.</source>
            <translation>正在导入或导出，请等它完成。</translation>
        </message>
        <message>
            <location filename="../../ui/pages/register.py" line="425" />
            <source>Import from Excel</source>
            <translation>从 Excel 导入</translation>
        </message>
        <message>
            <location filename="../../ui/pages/register.py" line="426" />
            <source>Workbooks (*.xlsx *.csv)</source>
            <translation>工作簿 (*.xlsx *.csv)</translation>
        </message>
        <message>
            <location filename="../../ui/pages/register.py" line="441" />
            <source>register</source>
            <translation>台账</translation>
        </message>
        <message>
            <location filename="../../ui/pages/register.py" line="442" />
            <source>Export</source>
            <translation>导出</translation>
        </message>
        <message>
            <location filename="../../ui/pages/register.py" line="451" />
            <source>Download template</source>
            <translation>下载导入模板</translation>
        </message>
        <message>
            <location filename="../../gridworker/ui/pages/register.py" line="290" />
            <source>Outside your areas: you cannot add here</source>
            <translation>不在您负责的区域内：不能在此新增</translation>
        </message>
        <message>
            <source>A handler cannot change the register</source>
            <translation>处置人员不能修改台账</translation>
        </message>
    </context>
    <context>
        <name>SignInDialog</name>
        <message>
            <location filename="../../ui/signin.py" line="81" />
            <source>GridWorker — sign in</source>
            <translation>网格员工作台 — 登录</translation>
        </message>
        <message>
            <location filename="../../ui/signin.py" line="84" />
            <source>GridWorker</source>
            <translation>网格员工作台</translation>
        </message>
        <message>
            <location filename="../../ui/signin.py" line="86" />
            <source>Registers, visits and incidents of your grid — works offline</source>
            <translation>网格台账、走访和事件处置 — 离线也能用</translation>
        </message>
        <message>
            <location filename="../../ui/signin.py" line="100" />
            <source>Work offline on the demo community</source>
            <translation>使用演示社区离线工作</translation>
        </message>
        <message>
            <location filename="../../ui/signin.py" line="124" />
            <source>Unlock</source>
            <translation>解锁</translation>
        </message>
        <message>
            <location filename="../../ui/signin.py" line="126" />
            <source>Sign in to a server with another account…</source>
            <translation>用其他账户登录服务器…</translation>
        </message>
        <message>
            <location filename="../../ui/signin.py" line="132" />
            <source>&amp;Account:</source>
            <translation>账户(&amp;A)：</translation>
        </message>
        <message>
            <location filename="../../ui/signin.py" line="134" />
            <source>&amp;Password:</source>
            <translation>密码(&amp;P)：</translation>
        </message>
        <message>
            <location filename="../../ui/signin.py" line="138" />
            <source>The password of this computer's account opens its data, also without a network.</source>
            <translation>输入本机账户的密码即可打开数据，无需联网。</translation>
        </message>
        <message>
            <location filename="../../ui/signin.py" line="156" />
            <source>e.g. https://grid.example.cn</source>
            <translation>例如 https://grid.example.cn</translation>
        </message>
        <message>
            <location filename="../../ui/signin.py" line="162" />
            <source>Sign in</source>
            <translation>登录</translation>
        </message>
        <message>
            <location filename="../../ui/signin.py" line="164" />
            <source>Back to the accounts on this computer</source>
            <translation>返回本机账户</translation>
        </message>
        <message>
            <location filename="../../ui/signin.py" line="171" />
            <source>&amp;Server address:</source>
            <translation>服务器地址(&amp;S)：</translation>
        </message>
        <message>
            <location filename="../../ui/signin.py" line="172" />
            <source>&amp;User name:</source>
            <translation>用户名(&amp;U)：</translation>
        </message>
        <message>
            <location filename="../../ui/signin.py" line="173" />
            <source>Pass&amp;word:</source>
            <translation>密码(&amp;W)：</translation>
        </message>
        <message>
            <location filename="../../ui/signin.py" line="180" />
            <source>The first sign-in makes an account on this computer with the same password; after that it opens offline.</source>
            <translation>首次登录会在本机建立账户，密码与服务器相同；之后离线也能打开。</translation>
        </message>
        <message>
            <location filename="../../ui/signin.py" line="233" />
            <source>Opening the account…</source>
            <translation>正在打开账户…</translation>
        </message>
        <message>
            <location filename="../../ui/signin.py" line="240" />
            <source>Give the server address, your user name and your password.</source>
            <translation>请填写服务器地址、用户名和密码。</translation>
        </message>
        <message>
            <location filename="../../ui/signin.py" line="243" />
            <source>Signing in to the server…</source>
            <translation>正在登录服务器…</translation>
        </message>
        <message>
            <location filename="../../ui/signin.py" line="253" />
            <source>Preparing the demo community (a few seconds the first time)…</source>
            <translation>正在准备演示社区（首次需要几秒钟）…</translation>
        </message>
        <message>
            <location filename="../../ui/signin.py" line="280" />
            <source>The password also locks this account's data on this computer. Ask your administrator to set you a stronger one.</source>
            <translation>这个密码同时用来加密本机上的账户数据。请联系管理员为您设置一个更安全的密码。</translation>
        </message>
        <message>
            <location filename="../../ui/signin.py" line="0" />
            <source>Cannot reach the server. Check the network connection and the server address, then sign in again.</source>
            <translation>无法连接服务器。请检查网络连接和服务器地址，然后重新登录。</translation>
        </message>
    </context>
    <context>
        <name>QFileDialog</name>
        <message>
            <source>&amp;Look in:</source>
            <translation>查找范围(&amp;L)：</translation>
        </message>
        <message>
            <source>Files of &amp;type:</source>
            <translation>文件类型(&amp;T)：</translation>
        </message>
    </context>
    <context>
        <name>PathDialog</name>
        <message>
            <source>Copy the path</source>
            <translation>复制路径</translation>
        </message>
    </context>
    <context>
        <name>CalendarWarning</name>
        <message>
            <location filename="../../ui/widgets/calendar_warning.py" line="60" />
            <source>Deadlines in a year the holiday calendar does not cover skip weekends only, not public holidays, and miss the make-up working days. Ask the server's administrator to import that year's holiday arrangement (published by the State Council each November); it reaches this computer at the next sync.</source>
            <translation>节假日表未覆盖的年份，办理期限只跳过周末，不跳过法定节假日，也不计调休上班日。请服务器管理员导入该年的节假日安排（国务院每年11月前后公布），下次同步后即会用于本机。</translation>
        </message>
    </context>
    <context>
        <name>CommunityQrDialog</name>
        <message>
            <source>Community QR codes</source>
            <translation>社区二维码</translation>
        </message>
        <message>
            <source>&amp;Print…</source>
            <translation>打印(&amp;P)…</translation>
        </message>
        <message>
            <source>&amp;Save as picture…</source>
            <translation>另存为图片(&amp;S)…</translation>
        </message>
        <message>
            <source>Residents scan the code with WeChat or a phone camera to open the community's pages.</source>
            <translation>居民用微信或手机相机扫码，即可打开本社区的居民服务页面。</translation>
        </message>
        <message>
            <source>The codes open the pages of this account's sync server: link the account to a server first.</source>
            <translation>二维码打开的是本账户同步服务器上的页面：请先将账户连接到服务器。</translation>
        </message>
        <message>
            <source>No community on this computer yet: sync first.</source>
            <translation>本机还没有社区信息，请先同步。</translation>
        </message>
        <message>
            <source>Scan for %1's resident services</source>
            <translation>扫码进入%1居民服务</translation>
        </message>
        <message>
            <source>Save the QR code</source>
            <translation>保存二维码</translation>
        </message>
        <message>
            <source>PNG picture (*.png)</source>
            <translation>PNG 图片 (*.png)</translation>
        </message>
        <message>
            <source>The picture could not be saved there.</source>
            <translation>无法将图片保存到该位置。</translation>
        </message>
    </context>
</TS>
