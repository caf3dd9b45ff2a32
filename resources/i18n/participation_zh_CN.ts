<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
    <context>
        <name>ActivitiesTab</name>
        <message>
            <source>New activity…</source>
            <translation>新建活动…</translation>
        </message>
        <message>
            <source>Activity</source>
            <translation>活动</translation>
        </message>
        <message>
            <source>Kind</source>
            <translation>类型</translation>
        </message>
        <message>
            <source>Starts</source>
            <translation>开始时间</translation>
        </message>
        <message>
            <source>Place</source>
            <translation>地点</translation>
        </message>
        <message>
            <source>Signed up</source>
            <translation>报名</translation>
        </message>
        <message>
            <source>Attended</source>
            <translation>到场</translation>
        </message>
        <message>
            <source>Status</source>
            <translation>状态</translation>
        </message>
        <message>
            <source>Cancelled</source>
            <translation>已取消</translation>
        </message>
        <message>
            <source>Published</source>
            <translation>已发布</translation>
        </message>
        <message>
            <source>Choose an activity in the list.</source>
            <translation>请在列表中选择一项活动。</translation>
        </message>
        <message>
            <source>Open the check-in code</source>
            <translation>开启签到码</translation>
        </message>
        <message>
            <source>The code is open: show it at the venue.</source>
            <translation>签到码已开启，请在现场展示。</translation>
        </message>
        <message>
            <source>Save attendance</source>
            <translation>保存到场登记</translation>
        </message>
        <message>
            <source>Award the points to those who attended</source>
            <translation>为到场党员记分</translation>
        </message>
        <message>
            <source>Minutes of the meeting</source>
            <translation>会议纪要</translation>
        </message>
        <message>
            <source>Decisions, one a line</source>
            <translation>议定事项，每行一条</translation>
        </message>
        <message>
            <source>Save the minutes</source>
            <translation>保存会议纪要</translation>
        </message>
        <message>
            <source>Reason to cancel</source>
            <translation>取消原因</translation>
        </message>
        <message>
            <source>Cancel the activity</source>
            <translation>取消活动</translation>
        </message>
        <message>
            <source>Cancelled.</source>
            <translation>已取消。</translation>
        </message>
        <message>
            <source>Attendance</source>
            <translation>到场登记</translation>
        </message>
        <message>
            <source>Minutes</source>
            <translation>会议纪要</translation>
        </message>
        <message>
            <source>Decisions</source>
            <translation>议定事项</translation>
        </message>
        <message>
            <source>Reason</source>
            <translation>原因</translation>
        </message>
        <message>
            <source>Signed up: {0}; attended: {1}; points: {2}</source>
            <translation>报名{0}人，到场{1}人，积分{2}分</translation>
        </message>
        <message>
            <source>Cancelled: {0}</source>
            <translation>取消原因：{0}</translation>
        </message>
        <message>
            <source>Decisions: {0}</source>
            <translation>议定事项：{0}</translation>
        </message>
        <message>
            <source>Attendance saved.</source>
            <translation>已保存到场登记。</translation>
        </message>
        <message>
            <source>Minutes saved.</source>
            <translation>已保存会议纪要。</translation>
        </message>
        <message>
            <source>Points awarded to {0} members.</source>
            <translation>已为{0}名党员记分。</translation>
        </message>
    </context>
    <context>
        <name>EvaluationTab</name>
        <message>
            <source>PDF for the chosen member…</source>
            <translation>导出所选党员的PDF…</translation>
        </message>
        <message>
            <source>Excel for each employer…</source>
            <translation>按工作单位导出Excel…</translation>
        </message>
        <message>
            <source>Year</source>
            <translation>年度</translation>
        </message>
        <message>
            <source>Name</source>
            <translation>姓名</translation>
        </message>
        <message>
            <source>Employer</source>
            <translation>工作单位</translation>
        </message>
        <message>
            <source>Grid</source>
            <translation>网格</translation>
        </message>
        <message>
            <source>Team</source>
            <translation>服务队</translation>
        </message>
        <message>
            <source>Points</source>
            <translation>积分</translation>
        </message>
        <message>
            <source>Activities</source>
            <translation>活动</translation>
        </message>
        <message>
            <source>Orders completed</source>
            <translation>完成点单</translation>
        </message>
        <message>
            <source>Average rating</source>
            <translation>平均评价</translation>
        </message>
        <message>
            <source>Wishes fulfilled</source>
            <translation>实现心愿</translation>
        </message>
        <message>
            <source>Save the files in</source>
            <translation>选择保存文件的文件夹</translation>
        </message>
        <message>
            <source>Points this year</source>
            <translation>年度积分</translation>
        </message>
        <message>
            <source>Activities attended</source>
            <translation>参加活动（次）</translation>
        </message>
        <message>
            <source>Service orders completed</source>
            <translation>完成服务点单（单）</translation>
        </message>
        <message>
            <source>Micro-wishes fulfilled</source>
            <translation>实现微心愿（个）</translation>
        </message>
        <message>
            <source>Party member's year-end evaluation {0}: {1}</source>
            <translation>{0}年度党员双管三评：{1}</translation>
        </message>
        <message>
            <source>Made on {0} by the community.</source>
            <translation>社区于{0}出具。</translation>
        </message>
        <message>
            <source>Saved {0}.</source>
            <translation>已保存：{0}。</translation>
        </message>
        <message>
            <source>Saved {0} workbooks in {1}.</source>
            <translation>已在{1}保存{0}个工作簿。</translation>
        </message>
        <message>
            <source>The member has not written a self-assessment for this year yet.</source>
            <translation>该党员尚未填写本年度个人自评。</translation>
        </message>
        <message>
            <source>Choose…</source>
            <translation>请选择…</translation>
        </message>
        <message>
            <source>Why (optional)</source>
            <translation>测评意见（可不填）</translation>
        </message>
        <message>
            <source>Save the rating</source>
            <translation>保存测评</translation>
        </message>
        <message>
            <source>Self-assessment</source>
            <translation>个人自评</translation>
        </message>
        <message>
            <source>The community’s rating</source>
            <translation>社区测评</translation>
        </message>
        <message>
            <source>Written</source>
            <translation>已填写</translation>
        </message>
        <message>
            <source>Rating saved: it goes to the server at the next sync.</source>
            <translation>测评已保存，将在下次同步时上传。</translation>
        </message>
    </context>
    <context>
        <name>MembersTab</name>
        <message>
            <source>Search name, employer or phone</source>
            <translation>搜索姓名、单位或电话</translation>
        </message>
        <message>
            <source>Choose a member in the list.</source>
            <translation>请在列表中选择一名党员。</translation>
        </message>
        <message>
            <source>Place in this grid</source>
            <translation>划入该网格</translation>
        </message>
        <message>
            <source>Volunteer team, if any</source>
            <translation>志愿服务队（如有）</translation>
        </message>
        <message>
            <source>Approve</source>
            <translation>审核通过</translation>
        </message>
        <message>
            <source>Why it goes back to the member</source>
            <translation>退回原因</translation>
        </message>
        <message>
            <source>Return</source>
            <translation>退回</translation>
        </message>
        <message>
            <source>Save skills, posts and team</source>
            <translation>保存特长、岗位和服务队</translation>
        </message>
        <message>
            <source>Grid</source>
            <translation>网格</translation>
        </message>
        <message>
            <source>Team</source>
            <translation>服务队</translation>
        </message>
        <message>
            <source>Reason</source>
            <translation>原因</translation>
        </message>
        <message>
            <source>Skills</source>
            <translation>特长</translation>
        </message>
        <message>
            <source>Posts</source>
            <translation>认领岗位</translation>
        </message>
        <message>
            <source>To review</source>
            <translation>待审核</translation>
        </message>
        <message>
            <source>To place by hand</source>
            <translation>待划网格</translation>
        </message>
        <message>
            <source>Approved</source>
            <translation>已通过</translation>
        </message>
        <message>
            <source>Returned</source>
            <translation>已退回</translation>
        </message>
        <message>
            <source>All</source>
            <translation>全部</translation>
        </message>
        <message>
            <source>Name</source>
            <translation>姓名</translation>
        </message>
        <message>
            <source>Employer</source>
            <translation>工作单位</translation>
        </message>
        <message>
            <source>Lives in</source>
            <translation>居住楼栋</translation>
        </message>
        <message>
            <source>to place</source>
            <translation>待划入</translation>
        </message>
        <message>
            <source>Status</source>
            <translation>状态</translation>
        </message>
        <message>
            <source>Points</source>
            <translation>积分</translation>
        </message>
        <message>
            <source>Checked in</source>
            <translation>报到时间</translation>
        </message>
        <message>
            <source>Status: {0}</source>
            <translation>状态：{0}</translation>
        </message>
        <message>
            <source>The register does not know this building: place the member in a grid by hand.</source>
            <translation>台账中没有该楼栋，请手工划入网格。</translation>
        </message>
        <message>
            <source>Returned: {0}</source>
            <translation>退回原因：{0}</translation>
        </message>
        <message>
            <source>Placed in {0}.</source>
            <translation>已划入{0}。</translation>
        </message>
        <message>
            <source>{0} is approved.</source>
            <translation>{0}的报到已审核通过。</translation>
        </message>
        <message>
            <source>Returned to {0}.</source>
            <translation>已退回给{0}。</translation>
        </message>
        <message>
            <source>Saved.</source>
            <translation>已保存。</translation>
        </message>
        <message>
        <source>Community staff review check-ins and record skills, posts and teams</source>
        <translation>报到审核和特长、岗位、服务队的登记由社区工作人员办理</translation>
    </message>
</context>
    <context>
        <name>NewActivityDialog</name>
        <message>
            <source>New activity</source>
            <translation>新建活动</translation>
        </message>
        <message>
            <source>No limit</source>
            <translation>不限</translation>
        </message>
        <message>
            <source>Title</source>
            <translation>标题</translation>
        </message>
        <message>
            <source>Kind</source>
            <translation>类型</translation>
        </message>
        <message>
            <source>Place</source>
            <translation>地点</translation>
        </message>
        <message>
            <source>Community</source>
            <translation>社区</translation>
        </message>
        <message>
            <source>Starts</source>
            <translation>开始时间</translation>
        </message>
        <message>
            <source>Ends</source>
            <translation>结束时间</translation>
        </message>
        <message>
            <source>Sign-up until</source>
            <translation>报名截止</translation>
        </message>
        <message>
            <source>Places</source>
            <translation>名额</translation>
        </message>
        <message>
            <source>Points</source>
            <translation>积分</translation>
        </message>
        <message>
            <source>Published.</source>
            <translation>已发布。</translation>
        </message>
    </context>
    <context>
        <name>NewOrderDialog</name>
        <message>
            <source>New service order</source>
            <translation>新建服务单</translation>
        </message>
        <message>
            <source>Resident's name, phone or ID number</source>
            <translation>居民姓名、电话或身份证号</translation>
        </message>
        <message>
            <source>What the resident needs</source>
            <translation>居民的需求</translation>
        </message>
        <message>
            <source>Any member</source>
            <translation>不限特长</translation>
        </message>
        <message>
            <source>Find</source>
            <translation>查找</translation>
        </message>
        <message>
            <source>Resident</source>
            <translation>居民</translation>
        </message>
        <message>
            <source>Need</source>
            <translation>需求</translation>
        </message>
        <message>
            <source>Skill needed</source>
            <translation>所需特长</translation>
        </message>
        <message>
            <source>The order is raised: publish it or assign it.</source>
            <translation>服务单已录入，请发布或指派。</translation>
        </message>
    </context>
    <context>
        <name>NoticesTab</name>
        <message>
            <source>Notice</source>
            <translation>公告</translation>
        </message>
        <message>
            <source>To</source>
            <translation>发布范围</translation>
        </message>
        <message>
            <source>Published on</source>
            <translation>发布时间</translation>
        </message>
        <message>
            <source>Read by</source>
            <translation>已读人数</translation>
        </message>
        <message>
            <source>Until</source>
            <translation>截止日期</translation>
        </message>
        <message>
            <source>Publish the notice</source>
            <translation>发布公告</translation>
        </message>
        <message>
            <source>New notice</source>
            <translation>新建公告</translation>
        </message>
        <message>
            <source>Title</source>
            <translation>标题</translation>
        </message>
        <message>
            <source>Text</source>
            <translation>正文</translation>
        </message>
        <message>
            <source>Open</source>
            <translation>待答复</translation>
        </message>
        <message>
            <source>Answered</source>
            <translation>已答复</translation>
        </message>
        <message>
            <source>Closed</source>
            <translation>已关闭</translation>
        </message>
        <message>
            <source>Opinion</source>
            <translation>意见</translation>
        </message>
        <message>
            <source>Topic</source>
            <translation>主题</translation>
        </message>
        <message>
            <source>Received</source>
            <translation>收到时间</translation>
        </message>
        <message>
            <source>Status</source>
            <translation>状态</translation>
        </message>
        <message>
            <source>The answer to the resident</source>
            <translation>给居民的答复</translation>
        </message>
        <message>
            <source>Answer</source>
            <translation>答复</translation>
        </message>
        <message>
            <source>Answer and close</source>
            <translation>答复并关闭</translation>
        </message>
        <message>
            <source>Close</source>
            <translation>关闭</translation>
        </message>
        <message>
            <source>Opinion box</source>
            <translation>意见箱</translation>
        </message>
        <message>
            <source>Month</source>
            <translation>月份</translation>
        </message>
        <message>
            <source>Notices</source>
            <translation>公告数</translation>
        </message>
        <message>
            <source>Opinions</source>
            <translation>意见数</translation>
        </message>
        <message>
            <source>Per month</source>
            <translation>按月统计</translation>
        </message>
        <message>
            <source>Published.</source>
            <translation>已发布。</translation>
        </message>
        <message>
            <source>Answered and closed.</source>
            <translation>已答复并关闭。</translation>
        </message>
        <message>
            <source>Answered.</source>
            <translation>已答复。</translation>
        </message>
        <message>
            <source>Closed.</source>
            <translation>已关闭。</translation>
        </message>
    </context>
    <context>
        <name>OrdersTab</name>
        <message>
            <source>New order…</source>
            <translation>新建服务单…</translation>
        </message>
        <message>
            <source>To publish</source>
            <translation>待派单</translation>
        </message>
        <message>
            <source>Under way</source>
            <translation>办理中</translation>
        </message>
        <message>
            <source>To verify</source>
            <translation>待核实</translation>
        </message>
        <message>
            <source>Overdue</source>
            <translation>已超期</translation>
        </message>
        <message>
            <source>Done</source>
            <translation>已完结</translation>
        </message>
        <message>
            <source>All</source>
            <translation>全部</translation>
        </message>
        <message>
            <source>Need</source>
            <translation>需求</translation>
        </message>
        <message>
            <source>Resident</source>
            <translation>居民</translation>
        </message>
        <message>
            <source>Grid</source>
            <translation>网格</translation>
        </message>
        <message>
            <source>Skill</source>
            <translation>特长</translation>
        </message>
        <message>
            <source>Status</source>
            <translation>状态</translation>
        </message>
        <message>
            <source>Taken by</source>
            <translation>接单人</translation>
        </message>
        <message>
            <source>Deadline</source>
            <translation>办理期限</translation>
        </message>
        <message>
            <source>Rating</source>
            <translation>评价</translation>
        </message>
        <message>
            <source>Raised</source>
            <translation>点单时间</translation>
        </message>
        <message>
            <source>Refused by the server</source>
            <translation>服务器已拒绝</translation>
        </message>
        <message>
            <source>Choose an order in the list.</source>
            <translation>请在列表中选择一张服务单。</translation>
        </message>
        <message>
            <source>Any member</source>
            <translation>不限特长</translation>
        </message>
        <message>
            <source> working days</source>
            <translation>个工作日</translation>
        </message>
        <message>
            <source>Publish</source>
            <translation>发布</translation>
        </message>
        <message>
            <source>Assign</source>
            <translation>指派</translation>
        </message>
        <message>
            <source> stars</source>
            <translation>星</translation>
        </message>
        <message>
            <source>Rate for the resident</source>
            <translation>代居民评价</translation>
        </message>
        <message>
            <source>Verify and award the points</source>
            <translation>核实并记分</translation>
        </message>
        <message>
            <source>Reason (to send back or cancel)</source>
            <translation>原因（退回重做或取消时填写）</translation>
        </message>
        <message>
            <source>Send back for rework</source>
            <translation>退回重做</translation>
        </message>
        <message>
            <source>Cancel the order</source>
            <translation>取消服务单</translation>
        </message>
        <message>
            <source>Steps</source>
            <translation>办理过程</translation>
        </message>
        <message>
            <source>Time allowed</source>
            <translation>办理时限</translation>
        </message>
        <message>
            <source>Member</source>
            <translation>党员</translation>
        </message>
        <message>
            <source>Reason</source>
            <translation>原因</translation>
        </message>
        <message>
            <source>Resident: {0}</source>
            <translation>居民：{0}</translation>
        </message>
        <message>
            <source>Source: {0}</source>
            <translation>来源：{0}</translation>
        </message>
        <message>
            <source>Status: {0}</source>
            <translation>状态：{0}</translation>
        </message>
        <message>
            <source>Deadline: {0}</source>
            <translation>办理期限：{0}</translation>
        </message>
        <message>
            <source>The server refused this order: {0}</source>
            <translation>服务器拒绝了该服务单：{0}</translation>
        </message>
        <message>
            <source>Published to the members.</source>
            <translation>已发布给党员。</translation>
        </message>
        <message>
            <source>Assigned.</source>
            <translation>已指派。</translation>
        </message>
        <message>
            <source>Rated.</source>
            <translation>已评价。</translation>
        </message>
        <message>
            <source>Verified: the takers' points are in the ledger.</source>
            <translation>已核实，接单党员的积分已记入。</translation>
        </message>
        <message>
            <source>Sent back for rework.</source>
            <translation>已退回重做。</translation>
        </message>
        <message>
            <source>Cancelled.</source>
            <translation>已取消。</translation>
        </message>
        <message>
        <source>This order is no longer here: a sync removed it or moved it out of your grids.</source>
        <translation>这张单已不在这里：同步删除了它，或它已不在您负责的网格内。</translation>
    </message>
</context>
    <context>
        <name>ParticipationPage</name>
        <message>
            <source>Member check-ins</source>
            <translation>党员报到</translation>
        </message>
        <message>
            <source>Service orders</source>
            <translation>服务点单</translation>
        </message>
        <message>
            <source>Activities</source>
            <translation>活动</translation>
        </message>
        <message>
            <source>Points</source>
            <translation>积分</translation>
        </message>
        <message>
            <source>Points shop</source>
            <translation>积分商城</translation>
        </message>
        <message>
            <source>Micro-wishes</source>
            <translation>微心愿</translation>
        </message>
        <message>
            <source>Notices and opinions</source>
            <translation>公告与意见箱</translation>
        </message>
        <message>
            <source>Year-end evaluation</source>
            <translation>年度评价</translation>
        </message>
        <message>
            <source>Participation</source>
            <translation>党群服务</translation>
        </message>
        <message>
            <source>Residents to confirm</source>
            <translation>居民身份确认</translation>
        </message>
    </context>
    <context>
        <name>PointsTab</name>
        <message>
            <source>Search a member</source>
            <translation>搜索党员</translation>
        </message>
        <message>
            <source>Name</source>
            <translation>姓名</translation>
        </message>
        <message>
            <source>Balance</source>
            <translation>积分余额</translation>
        </message>
        <message>
            <source>Choose a member in the list.</source>
            <translation>请在列表中选择一名党员。</translation>
        </message>
        <message>
            <source>Reason</source>
            <translation>原因</translation>
        </message>
        <message>
            <source>Record points</source>
            <translation>记分</translation>
        </message>
        <message>
            <source>Reverse the chosen entry</source>
            <translation>冲正所选记录</translation>
        </message>
        <message>
            <source>Ledger</source>
            <translation>积分明细</translation>
        </message>
        <message>
            <source>Rule item</source>
            <translation>积分细则</translation>
        </message>
        <message>
            <source>Points</source>
            <translation>积分</translation>
        </message>
        <message>
            <source>When</source>
            <translation>时间</translation>
        </message>
        <message>
            <source>Source</source>
            <translation>来源</translation>
        </message>
        <message>
            <source> (reversed)</source>
            <translation>（已冲正）</translation>
        </message>
        <message>
            <source>By community</source>
            <translation>按社区</translation>
        </message>
        <message>
            <source>By grid</source>
            <translation>按网格</translation>
        </message>
        <message>
            <source>By team</source>
            <translation>按服务队</translation>
        </message>
        <message>
            <source>This month</source>
            <translation>本月</translation>
        </message>
        <message>
            <source>Last month</source>
            <translation>上月</translation>
        </message>
        <message>
            <source>This year</source>
            <translation>本年</translation>
        </message>
        <message>
            <source>All time</source>
            <translation>全部时间</translation>
        </message>
        <message>
            <source>Rank the groups</source>
            <translation>比拼各组总分</translation>
        </message>
        <message>
            <source>Rank</source>
            <translation>名次</translation>
        </message>
        <message>
            <source>Group</source>
            <translation>所属</translation>
        </message>
        <message>
            <source>Rankings</source>
            <translation>晾晒比拼</translation>
        </message>
        <message>
            <source>{0}: {1} points</source>
            <translation>{0}：{1}分</translation>
        </message>
        <message>
            <source>Recorded.</source>
            <translation>已记分。</translation>
        </message>
        <message>
            <source>Reversed.</source>
            <translation>已冲正。</translation>
        </message>
    </context>
    <context>
        <name>ShopTab</name>
        <message>
            <source>New item</source>
            <translation>新增商品</translation>
        </message>
        <message>
            <source>Item</source>
            <translation>商品</translation>
        </message>
        <message>
            <source>Price</source>
            <translation>所需积分</translation>
        </message>
        <message>
            <source>In stock</source>
            <translation>库存</translation>
        </message>
        <message>
            <source>On the shelf</source>
            <translation>上架</translation>
        </message>
        <message>
            <source>yes</source>
            <translation>是</translation>
        </message>
        <message>
            <source>no</source>
            <translation>否</translation>
        </message>
        <message>
            <source> points</source>
            <translation>分</translation>
        </message>
        <message>
            <source>Save the item</source>
            <translation>保存商品</translation>
        </message>
        <message>
            <source>Add to stock</source>
            <translation>补货</translation>
        </message>
        <message>
            <source>Item name</source>
            <translation>商品名称</translation>
        </message>
        <message>
            <source>Community</source>
            <translation>社区</translation>
        </message>
        <message>
            <source>Description</source>
            <translation>说明</translation>
        </message>
        <message>
            <source>Stock</source>
            <translation>库存</translation>
        </message>
        <message>
            <source>Redeem the chosen item</source>
            <translation>兑换所选商品</translation>
        </message>
        <message>
            <source>Redeem at the desk</source>
            <translation>现场兑换</translation>
        </message>
        <message>
            <source>Member</source>
            <translation>党员</translation>
        </message>
        <message>
            <source>Quantity</source>
            <translation>数量</translation>
        </message>
        <message>
            <source>Refused by the server</source>
            <translation>服务器已拒绝</translation>
        </message>
        <message>
            <source>Qty</source>
            <translation>数量</translation>
        </message>
        <message>
            <source>Points</source>
            <translation>积分</translation>
        </message>
        <message>
            <source>Status</source>
            <translation>状态</translation>
        </message>
        <message>
            <source>Requested</source>
            <translation>兑换时间</translation>
        </message>
        <message>
            <source>Reason</source>
            <translation>原因</translation>
        </message>
        <message>
            <source>Handed over</source>
            <translation>已领取</translation>
        </message>
        <message>
            <source>Reason to cancel</source>
            <translation>取消原因</translation>
        </message>
        <message>
            <source>Cancel the redemption</source>
            <translation>取消兑换</translation>
        </message>
        <message>
            <source>Redemptions</source>
            <translation>兑换记录</translation>
        </message>
        <message>
            <source>{0} ({1} points)</source>
            <translation>{0}（{1}分）</translation>
        </message>
        <message>
            <source>Add the item</source>
            <translation>添加商品</translation>
        </message>
        <message>
            <source>Saved.</source>
            <translation>已保存。</translation>
        </message>
        <message>
            <source>Stock added.</source>
            <translation>已补货。</translation>
        </message>
        <message>
            <source>Recorded: hand it over now, or when the member comes.</source>
            <translation>已登记兑换：可当场发放，或待党员来领取。</translation>
        </message>
        <message>
            <source>Handed over.</source>
            <translation>已登记领取。</translation>
        </message>
        <message>
            <source>Cancelled: the points and the stock come back.</source>
            <translation>已取消：积分和库存将退回。</translation>
        </message>
    </context>
    <context>
        <name>VisitForm</name>
        <message>
            <source>Raise the needs as a service order for party members</source>
            <translation>将诉求作为服务点单发给党员</translation>
        </message>
        <message>
            <source>Any member</source>
            <translation>不限特长</translation>
        </message>
        <message>
            <source>Skill needed</source>
            <translation>所需特长</translation>
        </message>
        <message>
            <source>Publish the needs as a micro-wish</source>
            <translation>将诉求作为微心愿发布</translation>
        </message>
    </context>
    <context>
        <name>WishesTab</name>
        <message>
            <source>Wish</source>
            <translation>心愿</translation>
        </message>
        <message>
            <source>Resident</source>
            <translation>居民</translation>
        </message>
        <message>
            <source>Status</source>
            <translation>状态</translation>
        </message>
        <message>
            <source>Claimed by</source>
            <translation>认领人</translation>
        </message>
        <message>
            <source>Raised</source>
            <translation>点单时间</translation>
        </message>
        <message>
            <source>Resident's name, phone or ID number</source>
            <translation>居民姓名、电话或身份证号</translation>
        </message>
        <message>
            <source>What is wished for (a school bag, a visit, a repair…)</source>
            <translation>心愿内容（如书包、上门看望、维修……）</translation>
        </message>
        <message>
            <source>Publish the wish</source>
            <translation>发布心愿</translation>
        </message>
        <message>
            <source>New micro-wish</source>
            <translation>新增微心愿</translation>
        </message>
        <message>
            <source>Find</source>
            <translation>查找</translation>
        </message>
        <message>
            <source>Confirm: fulfilled</source>
            <translation>确认已实现</translation>
        </message>
        <message>
            <source>Confirmed: the member's points are in the ledger.</source>
            <translation>已确认，认领党员的积分已记入。</translation>
        </message>
        <message>
            <source>Reason (to send back or withdraw)</source>
            <translation>原因（退回或撤回时填写）</translation>
        </message>
        <message>
            <source>Send back</source>
            <translation>退回</translation>
        </message>
        <message>
            <source>Sent back to the member.</source>
            <translation>已退回给党员。</translation>
        </message>
        <message>
            <source>Withdraw</source>
            <translation>撤回</translation>
        </message>
        <message>
            <source>Withdrawn.</source>
            <translation>已撤回。</translation>
        </message>
        <message>
            <source>The chosen wish</source>
            <translation>所选心愿</translation>
        </message>
        <message>
            <source>Reason</source>
            <translation>原因</translation>
        </message>
        <message>
            <source>Published.</source>
            <translation>已发布。</translation>
        </message>
    </context>
    <context>
        <name>ResidentsTab</name>
        <message>
            <source>Search name or phone</source>
            <translation>搜索姓名或手机号</translation>
        </message>
        <message>
            <source>Choose a resident in the list.</source>
            <translation>请在列表中选择一位居民。</translation>
        </message>
        <message>
            <source>People of your register with the resident's name, in their community</source>
            <translation>本机台账中该居民所在社区同名的人员</translation>
        </message>
        <message>
            <source>Confirm</source>
            <translation>确认身份</translation>
        </message>
        <message>
            <source>Why the confirmation is taken back</source>
            <translation>撤销确认的原因</translation>
        </message>
        <message>
            <source>Undo</source>
            <translation>撤销确认</translation>
        </message>
        <message>
            <source>Confirm a resident you know in person. They are verified on their phone after the next sync.</source>
            <translation>请确认您当面认识的居民。下次同步后，居民在手机上即为已认证。</translation>
        </message>
        <message>
            <source>Person of the register</source>
            <translation>对应登记人员</translation>
        </message>
        <message>
            <source>Reason</source>
            <translation>原因</translation>
        </message>
        <message>
            <source>Waiting</source>
            <translation>待确认</translation>
        </message>
        <message>
            <source>Verified</source>
            <translation>已认证</translation>
        </message>
        <message>
            <source>All</source>
            <translation>全部</translation>
        </message>
        <message>
            <source>Waiting for verification</source>
            <translation>待核验</translation>
        </message>
        <message>
            <source>Confirmed by staff</source>
            <translation>网格员已确认</translation>
        </message>
        <message>
            <source>ID number matched</source>
            <translation>身份证核验通过</translation>
        </message>
        <message>
            <source>Name</source>
            <translation>姓名</translation>
        </message>
        <message>
            <source>Phone</source>
            <translation>手机号</translation>
        </message>
        <message>
            <source>Community</source>
            <translation>社区</translation>
        </message>
        <message>
            <source>Registered</source>
            <translation>注册时间</translation>
        </message>
        <message>
            <source>Status</source>
            <translation>状态</translation>
        </message>
        <message>
            <source>Confirmation undone: {0}</source>
            <translation>已撤销确认：{0}</translation>
        </message>
        <message>
            <source>Not linked</source>
            <translation>不关联登记人员</translation>
        </message>
        <message>
            <source>{0} is confirmed: verified on their phone after the next sync.</source>
            <translation>已确认{0}的身份：下次同步后在手机上显示为已认证。</translation>
        </message>
        <message>
            <source>The confirmation of {0} is undone.</source>
            <translation>已撤销对{0}的确认。</translation>
        </message>
    </context>
</TS>
